namespace FaceAttr.Onnx.Tfjs;

/// <summary>One node of a TF.js graph: its name, TensorFlow op type, data inputs and attributes.</summary>
/// <param name="Name">Node name, unique in the graph.</param>
/// <param name="Op">TensorFlow op type, e.g. <c>_FusedConv2D</c>.</param>
/// <param name="Inputs">Data inputs as node names (an output index suffix <c>:k</c> is kept when present).</param>
/// <param name="Attributes">The node's attributes.</param>
public sealed record TfjsNode(string Name, string Op, IReadOnlyList<string> Inputs, TfjsAttributes Attributes)
{
    /// <summary>Removes a <c>:0</c> output suffix so that <c>conv:0</c> and <c>conv</c> name the same tensor.</summary>
    public static string StripOutputIndex(string tensorName) =>
        tensorName.EndsWith(":0", StringComparison.Ordinal) ? tensorName[..^2] : tensorName;
}
