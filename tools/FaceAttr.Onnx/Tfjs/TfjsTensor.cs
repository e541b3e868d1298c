namespace FaceAttr.Onnx.Tfjs;

/// <summary>A decoded constant: float32 values (from float32, float16 or affine-quantized storage) or int32 values.</summary>
/// <param name="Name">Weight name (the Const node's name).</param>
/// <param name="Shape">Dimensions; empty for a scalar.</param>
/// <param name="Floats">Values when the constant is floating point, else null.</param>
/// <param name="Ints">Values when the constant is an integer, else null.</param>
public sealed record TfjsTensor(string Name, long[] Shape, float[]? Floats, int[]? Ints)
{
    /// <summary>Number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The integer values, or a clear error when the constant is not an integer tensor.</summary>
    public int[] RequireInts(string usedBy) =>
        Ints ?? throw new TfjsFormatException($"node '{usedBy}': constant '{Name}' must be int32");

    /// <summary>The float values, or a clear error when the constant is not a float tensor.</summary>
    public float[] RequireFloats(string usedBy) =>
        Floats ?? throw new TfjsFormatException($"node '{usedBy}': constant '{Name}' must be float");
}
