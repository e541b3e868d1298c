using FaceAttr.Core.Bundles;
using FaceAttr.Vision.Detection;
using FaceAttr.Vision.Imaging;
using FaceAttr.Vision.Landmarks;
using FaceAttr.Vision.Preprocessing;

namespace FaceAttr.Tool.Quantize;

/// <summary>
/// Turns a folder of real images into calibration inputs for bundle models, each model getting exactly what it gets at
/// run time: the detector the whole (letterboxed) image; facemesh its rotated square around the detection; the iris model
/// both eye crops from the fitted mesh; an attribute model the aligned crop the analyzer cuts with its manifest
/// <c>crop_scale</c>. Images that do not decode or show no face are listed with the reason, never dropped silently.
/// Faces are found with the source bundle's float models. Owns its sessions; one builder per thread.
/// </summary>
public sealed class CalibrationSetBuilder : IDisposable
{
    /// <summary>Start of the reason given for an image that does not decode.</summary>
    public const string DecodeFailure = "does not decode";

    /// <summary>Start of the reason given for an image without a face.</summary>
    public const string NoFace = "no face found";

    private static readonly HashSet<string> ImageExtensions =
        new([".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff", ".tga", ".pbm"], StringComparer.OrdinalIgnoreCase);

    private readonly string _bundleFolder;
    private readonly FaceFinder _finder;
    private readonly Dictionary<string, FaceMeshLandmarker> _landmarkers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IrisLocator> _irises = new(StringComparer.Ordinal);

    /// <summary>Reads the bundle's manifest and opens the models that find faces.</summary>
    public CalibrationSetBuilder(string bundleFolder)
    {
        _bundleFolder = bundleFolder;
        Manifest = ManifestSerializer.ReadFromFolder(bundleFolder);
        _finder = new FaceFinder(bundleFolder, Manifest);
    }

    /// <summary>The source bundle's manifest.</summary>
    public BundleManifest Manifest { get; }

    /// <summary>Image files of <paramref name="folder"/> (by extension, sorted by name); other files are counted in <paramref name="otherFiles"/>.</summary>
    /// <exception cref="CalibrationSetException">The folder does not exist.</exception>
    public static IReadOnlyList<string> ImageFiles(string folder, out int otherFiles)
    {
        if (!Directory.Exists(folder))
        {
            throw new CalibrationSetException($"calibration folder {folder} does not exist");
        }

        var files = Directory.EnumerateFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        var images = files.Where(f => ImageExtensions.Contains(Path.GetExtension(f))).ToList();
        otherFiles = files.Count - images.Count;
        return images;
    }

    /// <summary>Builds inputs for <paramref name="models"/> from <paramref name="images"/>.</summary>
    /// <param name="models">Entries of the source bundle.</param>
    /// <param name="images">Image files, in the order to use them.</param>
    /// <param name="source">Where the images come from (a folder), for messages.</param>
    /// <exception cref="CalibrationSetException">Not one image gave a usable face.</exception>
    public CalibrationSet Build(IReadOnlyList<ModelEntry> models, IReadOnlyList<string> images, string source)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(images);
        var items = models.ToDictionary(m => m.Id, _ => new List<CalibrationItem>(), StringComparer.Ordinal);
        var issues = new List<CalibrationIssue>();
        var faces = 0;
        foreach (var path in images)
        {
            DecodedImage image;
            try
            {
                image = ImageDecoder.Load(path);
            }
            catch (ImageDecodeException ex)
            {
                issues.Add(new CalibrationIssue(path, $"{DecodeFailure}: {ex.Message}"));
                continue;
            }

            if (_finder.Find(image) is not { } face)
            {
                issues.Add(new CalibrationIssue(path, $"{NoFace} (also not after padding the image)"));
                continue;
            }

            faces++;
            foreach (var model in models)
            {
                AddItems(model, face, path, items[model.Id], issues);
            }
        }

        var set = new CalibrationSet(items.ToDictionary(p => p.Key, p => (IReadOnlyList<CalibrationItem>)p.Value, StringComparer.Ordinal), issues, images.Count, faces);
        if (faces == 0)
        {
            throw new CalibrationSetException($"no usable face in {source}: {set.Summary()}");
        }

        return set;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _finder.Dispose();
        foreach (var landmarker in _landmarkers.Values)
        {
            landmarker.Dispose();
        }

        foreach (var iris in _irises.Values)
        {
            iris.Dispose();
        }
    }

    private void AddItems(ModelEntry model, FoundFace face, string path, List<CalibrationItem> items, List<CalibrationIssue> issues)
    {
        var input = model.Input;
        var box = face.Face.Box;
        switch (model.Role)
        {
            case ModelRole.Detector:
                items.Add(Item(path, face, model, BlazeFaceDetector.Letterbox(face.Image.Width, face.Image.Height, input.Width, input.Height)));
                break;
            case ModelRole.Landmarks:
                if (!_landmarkers.TryGetValue(model.Id, out var landmarker))
                {
                    _landmarkers[model.Id] = landmarker = new FaceMeshLandmarker(_bundleFolder, model, new LandmarkOptions());
                }

                if (landmarker.TryFrame(face.Face, out var meshCrop, out _, out _))
                {
                    items.Add(Item(path, face, model, meshCrop));
                }
                else
                {
                    issues.Add(new CalibrationIssue(path, "the detection cannot be framed (non-finite box or eyes)", model.Id));
                }

                break;
            case ModelRole.Iris:
                if (face.Mesh is not { } mesh)
                {
                    issues.Add(new CalibrationIssue(path, "facemesh did not fit, so there is no eye crop", model.Id));
                    break;
                }

                if (!_irises.TryGetValue(model.Id, out var iris))
                {
                    _irises[model.Id] = iris = new IrisLocator(_bundleFolder, model, new IrisOptions());
                }

                static System.Numerics.Vector2 Xy(System.Numerics.Vector3 p) => new(p.X, p.Y);
                items.Add(Item(path, face, model, iris.EyeCrop(Xy(mesh[FaceMeshIndices.RightEyeOuter]), Xy(mesh[FaceMeshIndices.RightEyeInner]), FaceSide.Right)));
                items.Add(Item(path, face, model, iris.EyeCrop(Xy(mesh[FaceMeshIndices.LeftEyeOuter]), Xy(mesh[FaceMeshIndices.LeftEyeInner]), FaceSide.Left)));
                break;
            default:
                // The analyzer's attribute crop: the box's longer side × crop_scale, centred on the box, aligned by the roll.
                var side = MathF.Max(box.Width, box.Height) * input.CropScale;
                items.Add(Item(path, face, model, Affine2D.FromRotatedSquare(box.CenterX, box.CenterY, side, face.Angle, input.Width, input.Height)));
                break;
        }
    }

    private static CalibrationItem Item(string path, FoundFace face, ModelEntry model, in Affine2D crop)
    {
        var tensor = new float[TensorWriter.ItemLength(model.Input)];
        TensorWriter.Write(face.Image.View, crop, model.Input, tensor);
        return new CalibrationItem(path, tensor);
    }
}
