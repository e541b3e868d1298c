using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;

namespace FaceAttr.Vision.Detection;

/// <summary>
/// Finds faces in a frame. Implementations are plugins chosen by a bundle's manifest; they own their
/// native resources and are not required to be thread-safe (one detector per worker).
/// </summary>
public interface IFaceDetector
{
    /// <summary>The bundle model id this detector runs (e.g. <c>blazeface-back</c>).</summary>
    string ModelId { get; }

    /// <summary>
    /// Clears <paramref name="results"/> and fills it with the faces found in <paramref name="image"/>,
    /// best score first, boxes and keypoints in image pixels. The caller owns the list and may reuse it
    /// from frame to frame, so that a call allocates nothing once the list has grown.
    /// </summary>
    void Detect(RgbImage image, List<DetectedFace> results);
}
