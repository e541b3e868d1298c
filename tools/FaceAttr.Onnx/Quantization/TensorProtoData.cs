using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace FaceAttr.Onnx.Quantization;

/// <summary>Reads and writes the values of ONNX initializers (raw little-endian data, or the typed repeated fields).</summary>
internal static class TensorProtoData
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int UInt8 = (int)TensorProto.Types.DataType.Uint8;
    public const int Int8 = (int)TensorProto.Types.DataType.Int8;
    public const int Int32 = (int)TensorProto.Types.DataType.Int32;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;

    /// <summary>Number of elements (1 for a scalar).</summary>
    public static long ElementCount(TensorProto tensor)
    {
        long count = 1;
        foreach (var d in tensor.Dims)
        {
            count *= d;
        }

        return count;
    }

    /// <summary>Bytes the values take in the file.</summary>
    public static long ByteSize(TensorProto tensor)
    {
        if (!tensor.RawData.IsEmpty)
        {
            return tensor.RawData.Length;
        }

        var elementSize = tensor.DataType switch
        {
            Float or Int32 => 4,
            Int64 or (int)TensorProto.Types.DataType.Double => 8,
            UInt8 or Int8 or (int)TensorProto.Types.DataType.Bool => 1,
            _ => 4,
        };
        return ElementCount(tensor) * elementSize;
    }

    /// <summary>The values of a float tensor.</summary>
    /// <exception cref="QuantizationException">The tensor is not float32 or keeps its data outside the file.</exception>
    public static float[] ReadFloats(TensorProto tensor)
    {
        CheckInline(tensor);
        if (tensor.DataType != Float)
        {
            throw new QuantizationException($"initializer '{tensor.Name}' is of ONNX type {tensor.DataType}, float32 was expected");
        }

        return tensor.RawData.IsEmpty ? [.. tensor.FloatData] : MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
    }

    /// <summary>The values of an int64 tensor.</summary>
    public static long[] ReadInt64s(TensorProto tensor)
    {
        CheckInline(tensor);
        if (tensor.DataType != Int64)
        {
            throw new QuantizationException($"initializer '{tensor.Name}' is of ONNX type {tensor.DataType}, int64 was expected");
        }

        return tensor.RawData.IsEmpty ? [.. tensor.Int64Data] : MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray();
    }

    /// <summary>A float tensor (a scalar when <paramref name="dims"/> is empty).</summary>
    public static TensorProto Floats(string name, ReadOnlySpan<float> values, params long[] dims) =>
        Make(name, Float, MemoryMarshal.AsBytes(values), dims);

    /// <summary>An int8 tensor.</summary>
    public static TensorProto SBytes(string name, ReadOnlySpan<sbyte> values, params long[] dims) =>
        Make(name, Int8, MemoryMarshal.AsBytes(values), dims);

    /// <summary>A uint8 tensor.</summary>
    public static TensorProto Bytes(string name, ReadOnlySpan<byte> values, params long[] dims) => Make(name, UInt8, values, dims);

    /// <summary>An int32 tensor.</summary>
    public static TensorProto Int32s(string name, ReadOnlySpan<int> values, params long[] dims) =>
        Make(name, Int32, MemoryMarshal.AsBytes(values), dims);

    /// <summary>An int64 tensor.</summary>
    public static TensorProto Int64s(string name, ReadOnlySpan<long> values, params long[] dims) =>
        Make(name, Int64, MemoryMarshal.AsBytes(values), dims);

    private static TensorProto Make(string name, int type, ReadOnlySpan<byte> bytes, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private static void CheckInline(TensorProto tensor)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new QuantizationException($"initializer '{tensor.Name}' keeps its data in an external file; load models with inline weights");
        }
    }
}
