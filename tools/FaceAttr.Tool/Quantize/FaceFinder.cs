using System.Numerics;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Faces;
using FaceAttr.Training.Alignment;
using FaceAttr.Vision.Analysis;
using FaceAttr.Vision.Detection;
using FaceAttr.Vision.Imaging;
using FaceAttr.Vision.Models;

namespace FaceAttr.Tool.Quantize;

/// <summary>
/// A face as the analysis core would see it: the image the detector found it in (the photo, or the photo padded with
/// black when it is a tight pre-cropped face), the detection, the alignment angle the analyzer uses for attribute crops
/// (facemesh's roll when the mesh fits, else the eye line) and the mesh points in image pixels when fitted.
/// </summary>
public sealed record FoundFace(DecodedImage Image, DetectedFace Face, float Angle, Vector3[]? Mesh, bool Padded);

/// <summary>
/// Finds the face of an image with the bundle's float detector and landmark model, framed as <c>faceattr eval</c> frames
/// it: the most confident face of the photo; if there is none, the face nearest the centre after padding
/// (<see cref="PreCroppedFace"/>), since detectors miss faces that fill the frame. Owns its sessions.
/// </summary>
public sealed class FaceFinder : IDisposable
{
    private readonly BlazeFaceDetector _detector;
    private readonly LandmarkStage? _landmarks;
    private readonly List<DetectedFace> _faces = [];

    /// <summary>Opens the detector (<c>blazeface-back</c> if present, as the analyzer's default) and landmark model of the bundle.</summary>
    public FaceFinder(string bundleFolder, BundleManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var detector = manifest.Models.FirstOrDefault(m => m.Id == new AnalyzerOptions().DetectorModel)
            ?? manifest.Models.FirstOrDefault(m => m.Role == ModelRole.Detector)
            ?? throw new BundleFormatException($"{bundleFolder}: the bundle has no detector to find calibration faces with");
        var landmarks = manifest.Models.FirstOrDefault(m => m.Id == new AnalyzerOptions().LandmarkModel)
            ?? manifest.Models.FirstOrDefault(m => m.Role == ModelRole.Landmarks);
        _detector = new BlazeFaceDetector(bundleFolder, detector, new DetectorOptions(), new SessionSettings());
        try
        {
            _landmarks = landmarks is null ? null : new LandmarkStage(bundleFolder, landmarks, new SessionSettings());
        }
        catch
        {
            _detector.Dispose();
            throw;
        }
    }

    /// <summary>The face to calibrate on, or null when neither the photo nor its padded version shows one.</summary>
    public FoundFace? Find(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        _detector.Detect(image.View, _faces);
        var padded = false;
        var source = image;
        DetectedFace face;
        if (_faces.Count > 0)
        {
            face = _faces.MaxBy(f => f.Score);
        }
        else
        {
            source = PreCroppedFace.Pad(image);
            padded = true;
            _detector.Detect(source.View, _faces);
            if (_faces.Count == 0)
            {
                return null;
            }

            face = _faces[PreCroppedFace.Central(_faces, source.Width, source.Height)];
        }

        var rightEye = face.Keypoints[FaceKeypoints.RightEye];
        var leftEye = face.Keypoints[FaceKeypoints.LeftEye];
        var angle = MathF.Atan2(leftEye.Y - rightEye.Y, leftEye.X - rightEye.X);
        Vector3[]? mesh = null;
        if (_landmarks is not null && _landmarks.TryFit(source.View, face, out var fit, out _))
        {
            angle = fit.RollRadians;
            mesh = fit.Points;
        }

        return new FoundFace(source, face, angle, mesh, padded);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _detector.Dispose();
        _landmarks?.Dispose();
    }
}
