using System.Numerics;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;
using FaceAttr.Vision.Attributes;
using FaceAttr.Vision.Models;
using FaceAttr.Vision.Preprocessing;

namespace FaceAttr.Vision.Landmarks;

/// <summary>
/// Fits MediaPipe's 468-point face mesh to a detected face. The face is cropped as MediaPipe does: a
/// square of side <c>box's longer side × crop scale</c> (1.5) centred on the box, rotated so that the
/// line from the right-eye to the left-eye keypoint is horizontal; the model's points (crop pixels) are
/// mapped back to image pixels through the same <see cref="Affine2D"/>, and their depth scaled like x.
/// <para>
/// Owns its ONNX session and the preallocated, bound input and output buffers it runs over
/// (<see cref="ModelRunner"/>); <see cref="Dispose"/> releases them. A fit allocates nothing. Not
/// thread-safe: one landmarker per worker.
/// </para>
/// </summary>
public sealed class FaceMeshLandmarker : IDisposable
{
    private readonly ModelRunner _runner;
    private readonly int _meshOutput;
    private readonly int _presenceOutput;
    private readonly float _cropScale;
    private bool _disposed;

    /// <summary>Opens the landmark model of <paramref name="entry"/> from <paramref name="bundleFolder"/>.</summary>
    /// <exception cref="ModelContractException">The entry is not a 468-point landmark model, or its ONNX graph breaks the manifest.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public FaceMeshLandmarker(string bundleFolder, ModelEntry entry, LandmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var where = $"landmark model '{entry.Id}'";
        if (entry.Role != ModelRole.Landmarks)
        {
            throw new ModelContractException($"{where}: role is {entry.Role}, not landmarks");
        }

        if (entry.Input.Width != entry.Input.Height || entry.Input.Channels != 3)
        {
            throw new ModelContractException(
                $"{where}: input is {entry.Input.Width}x{entry.Input.Height}x{entry.Input.Channels}; facemesh takes a square colour crop");
        }

        _meshOutput = -1;
        _presenceOutput = -1;
        for (var i = 0; i < entry.Outputs.Count; i++)
        {
            var output = entry.Outputs[i];
            if (output.Kind == OutputKind.Landmarks && output.Size == FaceMeshIndices.Count * 3 && _meshOutput < 0)
            {
                _meshOutput = i;
            }
            else if (output.Kind == OutputKind.Presence && output.Size == 1 && _presenceOutput < 0)
            {
                _presenceOutput = i;
            }
        }

        if (_meshOutput < 0)
        {
            throw new ModelContractException(
                $"{where}: no landmarks output of {FaceMeshIndices.Count * 3} values ({FaceMeshIndices.Count} points × x, y, z)");
        }

        if (_presenceOutput < 0)
        {
            throw new ModelContractException($"{where}: no presence output of 1 value; without it a crop with no face cannot be refused");
        }

        _cropScale = options.CropScale ?? entry.Input.CropScale;
        if (!(_cropScale is >= 1f and <= 4f))
        {
            throw new ModelContractException($"{where}: crop_scale {_cropScale} is outside 1..4");
        }

        Options = options;
        _runner = new ModelRunner(bundleFolder, entry, options.Session);
    }

    /// <summary>The manifest entry of the model.</summary>
    public ModelEntry Entry => _runner.Entry;

    /// <summary>The options the landmarker runs with.</summary>
    public LandmarkOptions Options { get; }

    /// <summary>The crop scale in use (the option, else the manifest's).</summary>
    public float CropScale => _cropScale;

    /// <summary>
    /// Fits the mesh to <paramref name="face"/> in <paramref name="image"/> and writes the points, presence
    /// and crop into <paramref name="result"/>. Returns false, with the reason in
    /// <see cref="FaceLandmarks.Status"/> and the points zeroed, when the presence score is below
    /// <see cref="LandmarkOptions.MinPresence"/> or the detection cannot be framed.
    /// </summary>
    public bool TryFit(RgbImage image, in DetectedFace face, FaceLandmarks result)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(result);
        if (image.Width <= 0 || image.Height <= 0)
        {
            throw new ArgumentException("the image is empty (a default RgbImage)", nameof(image));
        }

        if (!TryFrame(face, out var crop, out var side, out var angle))
        {
            result.SetFailure(LandmarkFitStatus.InvalidInput, 0f, default, 0f, 0f);
            return false;
        }

        _runner.Run(image, crop);
        var presence = _runner.Output(_presenceOutput)[0];
        if (!(presence >= Options.MinPresence))
        {
            // NaN lands here too: a model that returns NaN has not found a face.
            result.SetFailure(float.IsFinite(presence) ? LandmarkFitStatus.NoFace : LandmarkFitStatus.InvalidInput, presence, crop, side, angle);
            return false;
        }

        var raw = _runner.Output(_meshOutput);
        var points = result.WritablePoints;
        var zScale = side / Entry.Input.Width;
        for (var i = 0; i < points.Length; i++)
        {
            var o = i * 3;
            var xy = crop.Apply(raw[o], raw[o + 1]);
            points[i] = new Vector3(xy.X, xy.Y, raw[o + 2] * zScale);
        }

        if (!float.IsFinite(points[0].X + points[FaceMeshIndices.Count - 1].Y))
        {
            result.SetFailure(LandmarkFitStatus.InvalidInput, presence, crop, side, angle);
            return false;
        }

        result.SetFitted(presence, crop, side, angle);
        return true;
    }

    /// <summary>
    /// The crop facemesh sees for <paramref name="face"/>: side = box's longer side × <see cref="CropScale"/>,
    /// centred on the box, rotated by the eye line. Maps model-input pixels to image pixels.
    /// </summary>
    /// <returns>False when the box is not positive and finite or the eye keypoints are not finite.</returns>
    public bool TryFrame(in DetectedFace face, out Affine2D crop, out float side, out float angle)
    {
        var box = face.Box;
        var rightEye = face.Keypoints[FaceKeypoints.RightEye];
        var leftEye = face.Keypoints[FaceKeypoints.LeftEye];
        side = MathF.Max(box.Width, box.Height) * _cropScale;
        angle = 0f;
        crop = default;
        if (!(box.Width > 0 && box.Height > 0) || !float.IsFinite(side) || !float.IsFinite(box.CenterX + box.CenterY)
            || !float.IsFinite(rightEye.X + rightEye.Y + leftEye.X + leftEye.Y))
        {
            return false;
        }

        // Coincident eye keypoints give atan2(0, 0) = 0: an upright crop.
        angle = MathF.Atan2(leftEye.Y - rightEye.Y, leftEye.X - rightEye.X);
        crop = Affine2D.FromRotatedSquare(box.CenterX, box.CenterY, side, angle, Entry.Input.Width, Entry.Input.Height);
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _runner.Dispose();
    }
}
