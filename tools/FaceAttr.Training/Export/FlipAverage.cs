using FaceAttr.Onnx.Writing;
using static FaceAttr.Onnx.Writing.OnnxAttributes;

namespace FaceAttr.Training.Export;

/// <summary>
/// Test-time flip averaging inside the exported graph: every face is run together with its mirror image and the two
/// shared features (and a gender branch's hidden layer) are averaged before the heads. The heads are linear, so this is
/// exactly the mean of the two logits of every head, for twice the backbone's compute. No label swaps are needed: no
/// exported head is left/right-specific (per-eye state comes from landmarks, not from this network).
/// </summary>
internal static class FlipAverage
{
    /// <summary>Stacks <paramref name="images"/> [N, C, H, W] and its horizontal mirror into [2N, C, H, W], originals first.</summary>
    public static string StackWithMirror(OnnxGraphBuilder g, string images)
    {
        // Slice with step −1 over the width axis, from the last column to before the first (INT64_MIN: "to the start").
        var mirror = g.Node(
            "Slice",
            [images, g.Int64s("flip.starts", -1), g.Int64s("flip.ends", long.MinValue), g.Int64s("flip.axes", 3), g.Int64s("flip.steps", -1)],
            "flip.mirror");
        return g.Node("Concat", [images, mirror], "flip.stack", Int("axis", 0));
    }

    /// <summary>Averages the rows of <paramref name="features"/> [2N, F] that belong to one face: [N, F].</summary>
    public static string MeanOverMirror(OnnxGraphBuilder g, string features, int featureSize)
    {
        var pairs = g.Node("Reshape", [features, g.Int64s("flip.pairs_shape", 2, -1, featureSize)], "flip.pairs");
        return g.Node("ReduceMean", [pairs], "flip.mean", Ints("axes", 0), Int("keepdims", 0));
    }
}
