using FaceAttr.Core.Bundles;
using FaceAttr.Core.Faces;
using FaceAttr.Vision.Detection;
using FaceAttr.Vision.Imaging;
using FaceAttr.Vision.Models;
using FaceAttr.Vision.Preprocessing;

namespace FaceAttr.Training.Alignment;

/// <summary>How a face crop was framed.</summary>
public enum AlignmentPath
{
    /// <summary>The detector found the face in the padded image.</summary>
    Detected,

    /// <summary>No detection: the whole image was taken as the face (<see cref="PreCroppedFace.WholeImageFace"/>).</summary>
    WholeImage,
}

/// <summary>
/// Crops faces the way the device does (<c>FaceAnalyzer</c>): BlazeFace box, square of side
/// <c>max(box) × crop scale</c> centred on the box, rotated to level the eye line, bilinear-sampled at the model's input
/// resolution. The device levels with the facemesh roll when landmarks are on; here the detector's eye keypoints give the
/// roll (within a few degrees of it on frontal faces, and the augmentation rotates more than that). One aligner per thread.
/// </summary>
public sealed class FaceAligner : IDisposable
{
    private static readonly ModelInput RawRgb = new() { Name = "crop", Layout = TensorLayout.Nhwc, Width = 1, Height = 1, Color = ColorOrder.Rgb };
    private readonly BlazeFaceDetector _detector;
    private readonly List<DetectedFace> _faces = [];

    /// <summary>Opens the detector <paramref name="detectorModel"/> of the bundle in <paramref name="bundleFolder"/>.</summary>
    public FaceAligner(string bundleFolder, string detectorModel = "blazeface-back")
    {
        var manifest = ManifestSerializer.ReadFromFolder(bundleFolder);
        var entry = manifest.Models.FirstOrDefault(m => m.Id == detectorModel && m.Role == ModelRole.Detector)
            ?? throw new BundleFormatException($"the bundle in {bundleFolder} has no detector '{detectorModel}'");
        DetectorSha256 = entry.Sha256;
        _detector = new BlazeFaceDetector(bundleFolder, entry, new DetectorOptions(), new SessionSettings { IntraOpThreads = 1 });
    }

    /// <summary>The detector file's sha256 (part of the crop cache key).</summary>
    public string DetectorSha256 { get; }

    /// <summary>
    /// Writes the <paramref name="side"/>×<paramref name="side"/> RGB crop (bytes, row-major) of the face in
    /// <paramref name="image"/> covering <paramref name="cropScale"/> × the face box into <paramref name="destination"/>.
    /// </summary>
    public AlignmentPath Crop(DecodedImage image, float cropScale, int side, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        var padded = PreCroppedFace.Pad(image);
        _detector.Detect(padded.View, _faces);
        var index = PreCroppedFace.Central(_faces, padded.Width, padded.Height);
        var (source, face, path) = index >= 0
            ? (padded, _faces[index], AlignmentPath.Detected)
            : (image, PreCroppedFace.WholeImageFace(image.Width, image.Height), AlignmentPath.WholeImage);
        var transform = Transform(face, cropScale, side);
        Span<float> rgb = new float[side * side * 3];
        TensorWriter.Write(source.View, transform, RawRgb with { Width = side, Height = side }, rgb);
        for (var i = 0; i < rgb.Length; i++)
        {
            destination[i] = (byte)Math.Clamp(MathF.Round(rgb[i]), 0f, 255f);
        }

        return path;
    }

    /// <summary>The crop transform <c>FaceAnalyzer</c> uses, with the roll from the eye keypoints.</summary>
    public static Affine2D Transform(in DetectedFace face, float cropScale, int side)
    {
        var box = face.Box;
        var rightEye = face.Keypoints[FaceKeypoints.RightEye];
        var leftEye = face.Keypoints[FaceKeypoints.LeftEye];
        var angle = MathF.Atan2(leftEye.Y - rightEye.Y, leftEye.X - rightEye.X);
        return Affine2D.FromRotatedSquare(box.CenterX, box.CenterY, MathF.Max(box.Width, box.Height) * cropScale, angle, side, side);
    }

    /// <inheritdoc/>
    public void Dispose() => _detector.Dispose();
}
