using FaceAttr.Core.Bundles;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;
using FaceAttr.Vision.Preprocessing;

namespace FaceAttr.Vision.Analysis;

/// <summary>
/// Measures face quality on a 64×64 grey crop of the aligned face: mean brightness and the variance
/// of the 4-neighbour Laplacian (a standard focus measure: blur lowers it). Reuses one buffer; not thread-safe.
/// </summary>
public sealed class QualityMeter
{
    /// <summary>Side of the grey crop the measures are taken on.</summary>
    public const int Side = 64;

    private static readonly ModelInput GreyCrop = new() { Name = "quality", Width = Side, Height = Side, Color = ColorOrder.Gray };
    private readonly float[] _grey = new float[Side * Side];

    /// <summary>Measures the face seen through <paramref name="crop"/> (crop pixels 0..64 → image pixels).</summary>
    public FaceQuality Measure(RgbImage image, in Affine2D crop, float faceSize)
    {
        TensorWriter.Write(image, crop, GreyCrop, _grey);
        double sum = 0;
        foreach (var v in _grey)
        {
            sum += v;
        }

        double lapSum = 0, lapSq = 0;
        var n = 0;
        for (var y = 1; y < Side - 1; y++)
        {
            for (var x = 1; x < Side - 1; x++)
            {
                var i = (y * Side) + x;
                double lap = _grey[i - 1] + _grey[i + 1] + _grey[i - Side] + _grey[i + Side] - (4 * _grey[i]);
                lapSum += lap;
                lapSq += lap * lap;
                n++;
            }
        }

        var mean = lapSum / n;
        return new FaceQuality(faceSize, (float)((lapSq / n) - (mean * mean)), (float)(sum / _grey.Length));
    }
}
