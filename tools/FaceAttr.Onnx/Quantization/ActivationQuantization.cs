namespace FaceAttr.Onnx.Quantization;

/// <summary>
/// Scale and zero point of a uint8 activation: <c>real = (q − ZeroPoint) · Scale</c>. uint8 activations with int8 weights
/// is the pairing ONNX Runtime's CPU kernels are built for (u8×s8 dot products, VNNI on x86, SDOT/UDOT on ARM).
/// </summary>
internal readonly record struct ActivationQuantization(float Scale, byte ZeroPoint)
{
    /// <summary>
    /// The parameters that cover [<paramref name="lo"/>, <paramref name="hi"/>], widened to hold 0 exactly (zero padding
    /// and ReLU zeros must stay exact). With a folded activation's <paramref name="clamp"/>, the range is kept within its
    /// bounds so that ONNX Runtime can prove the activation redundant and drop it.
    /// </summary>
    public static ActivationQuantization FromRange(float lo, float hi, (float Lo, float Hi)? clamp)
    {
        lo = MathF.Min(lo, 0f);
        hi = MathF.Max(hi, 0f);
        if (clamp is { } c)
        {
            lo = c.Lo <= 0f ? MathF.Max(lo, c.Lo) : lo;
            hi = c.Hi >= 0f ? MathF.Min(hi, c.Hi) : hi;
        }

        if (!(hi - lo > 1e-12f) || !float.IsFinite(hi - lo))
        {
            // A tensor that was always zero (or never finite): any scale represents it; 1 is what ONNX Runtime's tools use.
            return new ActivationQuantization(float.IsFinite(hi - lo) ? 1f : float.MaxValue / 256f, 0);
        }

        var scale = (hi - lo) / 255f;
        var zeroPoint = (byte)Math.Clamp(MathF.Round(-lo / scale, MidpointRounding.ToEven), 0f, 255f);
        if (clamp is { } bounds && bounds.Hi >= 0f)
        {
            // Rounding can put the top level an ulp above the bound, which is enough for ORT to keep the activation.
            while (scale * (255 - zeroPoint) > bounds.Hi && scale > float.Epsilon)
            {
                scale = MathF.BitDecrement(scale);
            }
        }

        return new ActivationQuantization(scale, zeroPoint);
    }
}
