using System.Numerics;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Imaging;
using FaceAttr.Vision.Attributes;
using FaceAttr.Vision.Models;
using FaceAttr.Vision.Preprocessing;

namespace FaceAttr.Vision.Landmarks;

/// <summary>
/// Finds both irises of a face fitted by <see cref="FaceMeshLandmarker"/> with MediaPipe's iris model: per eye,
/// a square crop centred between the eye corners, rotated so they are level, of side
/// <see cref="IrisOptions.EyeCropScale"/> × the corner distance. The model was trained on one eye's
/// orientation; the subject's left eye (image right) is mirrored into it, as MediaPipe does, by a mirrored
/// crop transform, so its points map back without a separate flip.
/// <para>
/// Owns its ONNX session and preallocated, bound buffers (<see cref="ModelRunner"/>); <see cref="Dispose"/>
/// releases them. A call allocates nothing. Not thread-safe: one locator per worker.
/// </para>
/// </summary>
public sealed class IrisLocator : IDisposable
{
    /// <summary>Eye-contour points the model gives before the iris points.</summary>
    public const int ContourPoints = 71;

    /// <summary>Iris points: the centre, then four points on the boundary.</summary>
    public const int IrisPoints = 5;

    private readonly ModelRunner _runner;
    private readonly int _output;
    private bool _disposed;

    /// <summary>Opens the iris model of <paramref name="entry"/> from <paramref name="bundleFolder"/>.</summary>
    /// <exception cref="ModelContractException">The entry is not a 71 + 5 point iris model, or its ONNX graph breaks the manifest.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public IrisLocator(string bundleFolder, ModelEntry entry, IrisOptions options)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var where = $"iris model '{entry.Id}'";
        if (entry.Role != ModelRole.Iris)
        {
            throw new ModelContractException($"{where}: role is {entry.Role}, not iris");
        }

        if (entry.Input.Width != entry.Input.Height || entry.Input.Channels != 3)
        {
            throw new ModelContractException($"{where}: input is {entry.Input.Width}x{entry.Input.Height}x{entry.Input.Channels}; the iris model takes a square colour crop");
        }

        _output = -1;
        for (var i = 0; i < entry.Outputs.Count; i++)
        {
            if (entry.Outputs[i].Kind == OutputKind.Landmarks && entry.Outputs[i].Size == (ContourPoints + IrisPoints) * 3)
            {
                _output = i;
                break;
            }
        }

        if (_output < 0)
        {
            throw new ModelContractException(
                $"{where}: no landmarks output of {(ContourPoints + IrisPoints) * 3} values ({ContourPoints} eye-contour + {IrisPoints} iris points × x, y, z)");
        }

        Options = options;
        _runner = new ModelRunner(bundleFolder, entry, options.Session);
    }

    /// <summary>The options the locator runs with.</summary>
    public IrisOptions Options { get; }

    /// <summary>
    /// Locates both irises of <paramref name="face"/>. False, with <paramref name="irises"/> default, when the
    /// mesh is not fitted, an eye's corners coincide, or the model returns non-finite numbers.
    /// </summary>
    public bool TryLocate(RgbImage image, FaceLandmarks face, out EyeIrises irises)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(face);
        irises = default;
        if (!face.IsFitted)
        {
            return false;
        }

        if (!TryLocateEye(image, face[FaceMeshIndices.RightEyeOuter], face[FaceMeshIndices.RightEyeInner], FaceSide.Right, out var right)
            || !TryLocateEye(image, face[FaceMeshIndices.LeftEyeOuter], face[FaceMeshIndices.LeftEyeInner], FaceSide.Left, out var left))
        {
            return false;
        }

        irises = new EyeIrises(right, left);
        return true;
    }

    /// <summary>
    /// The crop the model sees for the <paramref name="eye"/> with corners <paramref name="outer"/> and
    /// <paramref name="inner"/> (image pixels): maps model-input pixels to image pixels. Upright with the face
    /// (x along the line from the subject's right to their left), so the right eye shows its outer corner on
    /// the crop's left; the left eye's crop is mirrored to show the same (the model's eye contour starts at
    /// the crop's left corner, and was trained with it on the outer one).
    /// </summary>
    public Affine2D EyeCrop(Vector2 outer, Vector2 inner, FaceSide eye)
    {
        var size = _runner.Entry.Input.Width;
        var centre = (outer + inner) / 2;
        var side = Vector2.Distance(outer, inner) * Options.EyeCropScale;
        var mirror = eye == FaceSide.Left;
        var (from, to) = mirror ? (inner, outer) : (outer, inner);
        var angle = MathF.Atan2(to.Y - from.Y, to.X - from.X);
        var crop = Affine2D.FromRotatedSquare(centre.X, centre.Y, side, angle, size, size);
        if (!mirror)
        {
            return crop;
        }

        // x' = size − x: negate the x column and move the origin to the crop's other edge.
        return new Affine2D(-crop.M11, crop.M12, -crop.M21, crop.M22, crop.Tx + (size * crop.M11), crop.Ty + (size * crop.M21));
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

    private bool TryLocateEye(RgbImage image, Vector3 outer3, Vector3 inner3, FaceSide eye, out IrisFit iris)
    {
        var outer = new Vector2(outer3.X, outer3.Y);
        var inner = new Vector2(inner3.X, inner3.Y);
        iris = default;
        if (!(Vector2.Distance(outer, inner) > 0))
        {
            return false;
        }

        var crop = EyeCrop(outer, inner, eye);
        _runner.Run(image, crop);
        var raw = _runner.Output(_output);
        var o = ContourPoints * 3;
        var centre = crop.Apply(raw[o], raw[o + 1]);
        var radius = 0f;
        for (var k = 1; k < IrisPoints; k++)
        {
            radius += Vector2.Distance(centre, crop.Apply(raw[o + (k * 3)], raw[o + (k * 3) + 1]));
        }

        radius /= IrisPoints - 1;
        if (!float.IsFinite(centre.X + centre.Y + radius))
        {
            return false;
        }

        iris = new IrisFit(centre, radius);
        return true;
    }
}
