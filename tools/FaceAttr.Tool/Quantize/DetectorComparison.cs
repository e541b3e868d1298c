using FaceAttr.Core.Bundles;
using FaceAttr.Core.Faces;
using FaceAttr.Training.Alignment;
using FaceAttr.Vision.Detection;
using FaceAttr.Vision.Imaging;
using FaceAttr.Vision.Models;

namespace FaceAttr.Tool.Quantize;

/// <summary>
/// Compares an int8 detector with its float original through the runtime's own decoder (<see cref="BlazeFaceDetector"/>,
/// anchors, NMS and all) on held-out images: raw anchor logits differ by large amounts where it does not matter (far below
/// the score threshold), so agreement is judged on the faces found. An image agrees when both find the same number of faces
/// and each float face overlaps an int8 face with IoU ≥ 0.5: a face lost and a face invented both count against it. Images
/// are framed as <see cref="FaceFinder"/> frames them.
/// </summary>
public static class DetectorComparison
{
    /// <summary>Least IoU for two detections to count as the same face.</summary>
    public const float MatchIoU = 0.5f;

    /// <summary>Agreement (head <c>*</c>) of the detector in <paramref name="int8Bundle"/> with the one in <paramref name="floatBundle"/>.</summary>
    public static HeadFigure Compare(string floatBundle, ModelEntry floatEntry, string int8Bundle, ModelEntry int8Entry, IReadOnlyList<string> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var fp32 = new BlazeFaceDetector(floatBundle, floatEntry, new DetectorOptions(), new SessionSettings());
        using var int8 = new BlazeFaceDetector(int8Bundle, int8Entry, new DetectorOptions(), new SessionSettings());
        List<DetectedFace> a = [], b = [];
        int agree = 0, count = 0;
        foreach (var path in images)
        {
            DecodedImage image;
            try
            {
                image = ImageDecoder.Load(path);
            }
            catch (ImageDecodeException)
            {
                // Already reported when the holdout set was built.
                continue;
            }

            fp32.Detect(image.View, a);
            if (a.Count == 0)
            {
                image = PreCroppedFace.Pad(image);
                fp32.Detect(image.View, a);
            }

            int8.Detect(image.View, b);
            count++;
            agree += a.Count == b.Count && a.All(fa => b.Any(fb => fa.Box.IoU(fb.Box) >= MatchIoU)) ? 1 : 0;
        }

        return new HeadFigure("*", HeadFigure.Agreement, count == 0 ? 0 : agree / (double)count, null, count);
    }
}
