namespace FaceAttr.Onnx.Quantization;

/// <summary>
/// Symmetric int8 weights: <c>real = q · Scale[c]</c> with zero point 0, one scale per output channel (or one for the
/// tensor). Symmetric because the int8 GEMM kernels then skip the zero-point correction of the weight side; the range is
/// ±127 (not −128) so that negating a weight never overflows.
/// </summary>
internal sealed class WeightQuantization
{
    private WeightQuantization(sbyte[] values, float[] scales)
    {
        Values = values;
        Scales = scales;
    }

    /// <summary>The quantized weights, in the float tensor's layout.</summary>
    public sbyte[] Values { get; }

    /// <summary>One scale per channel along the axis, or a single one for per-tensor quantization.</summary>
    public float[] Scales { get; }

    /// <summary>Quantizes <paramref name="weights"/> of shape <paramref name="dims"/>.</summary>
    /// <param name="weights">The float weights.</param>
    /// <param name="dims">Their shape.</param>
    /// <param name="axis">The output-channel axis; ignored when <paramref name="perChannel"/> is false.</param>
    /// <param name="perChannel">One scale per index along <paramref name="axis"/>.</param>
    /// <param name="reduceRange">Use ±64 instead of ±127.</param>
    /// <param name="minScales">Per-channel lower bounds for the scales (so that the int32 bias fits), or null.</param>
    public static WeightQuantization Quantize(float[] weights, IReadOnlyList<long> dims, int axis, bool perChannel, bool reduceRange, float[]? minScales)
    {
        var qmax = reduceRange ? 64f : 127f;
        var channels = perChannel ? (int)dims[axis] : 1;
        var inner = 1L;
        for (var d = axis + 1; d < dims.Count; d++)
        {
            inner *= dims[d];
        }

        int Channel(int i) => perChannel ? (int)(i / inner % channels) : 0;

        var absMax = new float[channels];
        for (var i = 0; i < weights.Length; i++)
        {
            var c = Channel(i);
            absMax[c] = MathF.Max(absMax[c], MathF.Abs(weights[i]));
        }

        var scales = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            scales[c] = absMax[c] > 0f ? absMax[c] / qmax : 1f;
            if (minScales is not null && scales[c] < minScales[c])
            {
                scales[c] = minScales[c];
            }
        }

        var values = new sbyte[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            values[i] = (sbyte)Math.Clamp(MathF.Round(weights[i] / scales[Channel(i)], MidpointRounding.ToEven), -qmax, qmax);
        }

        return new WeightQuantization(values, scales);
    }

    /// <summary>
    /// The int32 bias the fused kernels add to their int32 accumulators: <c>round(b / (inputScale · weightScale[c]))</c>.
    /// </summary>
    public static int[] QuantizeBias(float[] bias, float inputScale, float[] weightScales)
    {
        var values = new int[bias.Length];
        for (var c = 0; c < bias.Length; c++)
        {
            var scale = inputScale * weightScales[weightScales.Length == 1 ? 0 : c];
            values[c] = (int)Math.Clamp(Math.Round(bias[c] / (double)scale, MidpointRounding.ToEven), int.MinValue, int.MaxValue);
        }

        return values;
    }

    /// <summary>
    /// Smallest weight scales for which the bias still fits in int32 (a channel whose weights are all near zero would
    /// otherwise get a tiny scale and a bias beyond ±2³¹), or null when no bias needs it.
    /// </summary>
    public static float[]? MinScalesForBias(float[] bias, float inputScale, int channels)
    {
        float[]? min = null;
        for (var c = 0; c < bias.Length; c++)
        {
            // Half the int32 range leaves room for the accumulator the bias is added to.
            var needed = (float)(Math.Abs(bias[c]) / (inputScale * (double)(1 << 30)));
            if (needed > 0f)
            {
                min ??= new float[channels];
                var slot = channels == 1 ? 0 : c;
                min[slot] = MathF.Max(min[slot], needed);
            }
        }

        return min;
    }
}
