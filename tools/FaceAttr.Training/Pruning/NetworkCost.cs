using FaceAttr.Training.Network;

namespace FaceAttr.Training.Pruning;

/// <summary>
/// Size and arithmetic of a <see cref="FaceAttrNet"/> computed from its <see cref="NetworkOptions"/> alone, so a report
/// can compare shapes without building them.
/// </summary>
public static class NetworkCost
{
    private const int Kernel = 3 * 3;

    /// <summary>
    /// Multiply-accumulates per face: every 3×3 convolution (<c>9·Cin·Cout·Hout·Wout</c>) and every Linear
    /// (<c>in·out</c>). BatchNorm, activations and pooling are left out: export folds BatchNorm into the convolution and
    /// the rest are a few operations per output value, not per weight.
    /// </summary>
    public static long Macs(NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var widths = options.ResolvedBlockWidths();
        long side = options.InputSize / 2;
        var macs = Kernel * 3L * widths[0] * side * side;
        for (var stage = 1; stage < options.Widths.Count; stage++)
        {
            var first = (2 * stage) - 1;
            macs += Kernel * (long)widths[first - 1] * widths[first] * side * side;
            macs += Kernel * (long)widths[first] * widths[first + 1] * side * side;
            side /= 2;
        }

        return macs + ((long)widths[^1] * options.FeatureSize) + ((long)options.FeatureSize * HeadOutputs(options)) + GenderBranchMacs(options);
    }

    /// <summary>Trainable parameters, equal to <see cref="FaceAttrNet.ParameterCount"/> of a network of this shape.</summary>
    public static long Parameters(NetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var widths = options.ResolvedBlockWidths();
        var slopes = options.Activation == ActivationKind.PRelu ? 1L : 0L;
        long total = 0;
        long inChannels = 3;
        foreach (var w in widths)
        {
            // Conv weight, BatchNorm scale and shift, PReLU slope per channel.
            total += (Kernel * inChannels * w) + (2L * w) + (slopes * w);
            inChannels = w;
        }

        var feature = (long)options.FeatureSize;
        total += (inChannels * feature) + feature + (slopes * feature);
        total += (feature + 1) * HeadOutputs(options);
        if (options.GenderBranch is int branch)
        {
            // The branch's Linear and slopes; the gender head then reads the branch, not the shared layer.
            total += ((long)options.GenderBranchInputs * branch) + branch + (slopes * branch) + ((branch - feature) * 2L);
        }

        return total;
    }

    /// <summary>The gender branch's Linear (C·s·s inputs) and the gender head's change of input width; 0 without a branch.</summary>
    private static long GenderBranchMacs(NetworkOptions options) =>
        options.GenderBranch is int branch ? ((long)options.GenderBranchInputs * branch) + ((branch - (long)options.FeatureSize) * 2L) : 0;

    private static int HeadOutputs(NetworkOptions options) =>
        2 + (AgeStages.Stages * AgeStages.Bins) + HeadSet.ExpressionClasses + HeadSet.CoarseClasses + HeadSet.EyewearClasses + options.BinaryAttributes.Count;
}
