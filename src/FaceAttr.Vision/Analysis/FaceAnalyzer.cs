using System.Numerics;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;
using FaceAttr.Vision.Attributes;
using FaceAttr.Vision.Detection;
using FaceAttr.Vision.Preprocessing;

namespace FaceAttr.Vision.Analysis;

/// <summary>
/// The analysis core shared by the daemon and the host tool: detect faces, fit landmarks, derive pose,
/// eyes and mouth, gate on quality, and run the attribute models each head needs on an aligned crop.
/// Sessions and buffers are created once; one analyzer per worker thread.
/// </summary>
public sealed class FaceAnalyzer : IDisposable
{
    private readonly AnalyzerOptions _options;
    private readonly BlazeFaceDetector _detector;
    private readonly LandmarkStage? _landmarks;
    private readonly Dictionary<string, ModelRunner> _runners = new(StringComparer.Ordinal);
    private readonly List<(string Head, ModelRunner Runner, int Output)> _heads = [];
    private readonly bool _deriveSmile;
    private readonly List<DetectedFace> _detections = [];
    private readonly HashSet<ModelRunner> _ranForFace = [];
    private readonly QualityMeter _quality = new();

    /// <summary>Loads the bundle in <paramref name="bundleFolder"/> and opens every model the options need.</summary>
    /// <exception cref="BundleFormatException">The manifest is invalid or lacks a model the options name.</exception>
    /// <exception cref="Models.ModelContractException">A model file fails its manifest contract.</exception>
    public FaceAnalyzer(string bundleFolder, AnalyzerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Quality.Validate();
        _options = options;
        Manifest = ManifestSerializer.ReadFromFolder(bundleFolder);
        _detector = new BlazeFaceDetector(bundleFolder, Find(options.DetectorModel, ModelRole.Detector), new DetectorOptions(), options.Session);
        if (options.LandmarkModel is { } landmarkModel)
        {
            _landmarks = new LandmarkStage(bundleFolder, Find(landmarkModel, ModelRole.Landmarks), options.Session);
        }

        var heads = options.Heads
            ?? (Manifest.Heads is { Count: > 0 } mapped
                ? [.. AnalyzerOptions.DefaultHeads.Where(mapped.ContainsKey), .. mapped.Keys.Where(h => !AnalyzerOptions.DefaultHeads.Contains(h))]
                : AnalyzerOptions.DefaultHeads);
        _deriveSmile = !heads.Contains("smile");
        foreach (var head in heads)
        {
            var modelId = options.HeadModels.GetValueOrDefault(head)
                ?? Manifest.Heads?.GetValueOrDefault(head)
                ?? Manifest.Models.FirstOrDefault(m => m.Outputs.Any(o => o.Head == head))?.Id
                ?? throw new BundleFormatException($"no model in the bundle has an output for head '{head}'");
            var entry = Find(modelId, ModelRole.Attributes);
            var outputIndex = entry.Outputs.ToList().FindIndex(o => o.Head == head);
            if (outputIndex < 0)
            {
                throw new BundleFormatException($"model '{modelId}' has no output for head '{head}'");
            }

            if (!_runners.TryGetValue(modelId, out var runner))
            {
                runner = new ModelRunner(bundleFolder, entry, options.Session);
                _runners[modelId] = runner;
            }

            _heads.Add((head, runner, outputIndex));
        }
    }

    /// <summary>The loaded bundle manifest.</summary>
    public BundleManifest Manifest { get; }

    /// <summary>Analyzes every face in <paramref name="image"/>.</summary>
    /// <param name="image">The frame.</param>
    /// <param name="keepLandmarks">Copy the 468 points into each result (for annotation and JSON); off in the daemon.</param>
    public IReadOnlyList<FaceAnalysis> Analyze(RgbImage image, bool keepLandmarks = false)
    {
        _detector.Detect(image, _detections);
        var results = new List<FaceAnalysis>(_detections.Count);
        foreach (var detection in _detections)
        {
            results.Add(AnalyzeFace(image, detection, keepLandmarks));
        }

        return results;
    }

    /// <summary>Analyzes one already-detected face (used by eval on pre-cropped faces).</summary>
    public FaceAnalysis AnalyzeFace(RgbImage image, in DetectedFace detection, bool keepLandmarks = false)
    {
        var box = detection.Box;
        var faceSize = MathF.Max(box.Width, box.Height);
        var attributes = new List<AttributeValue>(_heads.Count + 4);
        var reasons = new List<string>(3);
        HeadPose? pose = null;
        Vector3[]? mesh = null;
        float? landmarkScore = null;

        // Align by the eye line: the subject's right eye is on the image's left for a frontal face.
        var rightEye = detection.Keypoints[FaceKeypoints.RightEye];
        var leftEye = detection.Keypoints[FaceKeypoints.LeftEye];
        var angle = MathF.Atan2(leftEye.Y - rightEye.Y, leftEye.X - rightEye.X);
        if (_landmarks is not null)
        {
            if (_landmarks.TryFit(image, detection, out var fit, out var presence))
            {
                landmarkScore = fit.Score;
                pose = fit.Pose;
                angle = fit.RollRadians;
                attributes.AddRange(fit.EyesAndMouth);
                if (keepLandmarks)
                {
                    mesh = fit.Points;
                }
            }
            else
            {
                landmarkScore = presence;
                var reason = $"landmarks not fitted (presence {presence:0.00})";
                attributes.Add(AttributeValue.Unknown("eye_left", reason));
                attributes.Add(AttributeValue.Unknown("eye_right", reason));
                attributes.Add(AttributeValue.Unknown("mouth", reason));
            }
        }

        var qualityCrop = Affine2D.FromRotatedSquare(box.CenterX, box.CenterY, faceSize, angle, QualityMeter.Side, QualityMeter.Side);
        var quality = _quality.Measure(image, qualityCrop, faceSize);
        Gate(quality, pose, reasons);

        _ranForFace.Clear();
        foreach (var (head, runner, output) in _heads)
        {
            if (reasons.Count > 0)
            {
                attributes.Add(AttributeValue.Unknown(head, string.Join(", ", reasons)));
                continue;
            }

            if (_ranForFace.Add(runner))
            {
                var input = runner.Entry.Input;
                var scale = _options.CropScales.TryGetValue(runner.Entry.Id, out var overridden) ? overridden : input.CropScale;
                var crop = Affine2D.FromRotatedSquare(box.CenterX, box.CenterY, faceSize * scale, angle, input.Width, input.Height);
                runner.Run(image, crop);
            }

            var value = HeadDecoder.Decode(runner.Entry.Outputs[output], runner.Output(output), runner.Entry.Id);
            attributes.Add(value);
            if (_deriveSmile && head == "expression" && value.Distribution is { } expression)
            {
                attributes.Add(Smile(expression[0], runner.Entry.Id));
            }
        }

        return new FaceAnalysis
        {
            Detection = detection,
            Landmarks = mesh,
            LandmarkScore = landmarkScore,
            Pose = pose,
            Quality = quality,
            GateReasons = reasons,
            Attributes = attributes,
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _detector.Dispose();
        _landmarks?.Dispose();
        foreach (var runner in _runners.Values)
        {
            runner.Dispose();
        }
    }

    // Smile is read from the expression model's "happy" probability: the models give no smile head of
    // their own, and a smile is what that class is mostly made of (CelebA Smiling is the check, in eval).
    private static AttributeValue Smile(float happy, string modelId) => new()
    {
        Head = "smile",
        Label = happy >= 0.5f ? "present" : "absent",
        Probability = happy >= 0.5f ? happy : 1 - happy,
        Distribution = [1 - happy, happy],
        Model = $"{modelId} (happy)",
    };

    private void Gate(FaceQuality quality, HeadPose? pose, List<string> reasons)
    {
        var q = _options.Quality;
        if (quality.FaceSize < q.MinFaceSize)
        {
            reasons.Add($"face {quality.FaceSize:0} px");
        }

        if (pose is { } p && MathF.Abs(p.Yaw) > q.MaxYaw)
        {
            reasons.Add($"yaw {p.Yaw:0}°");
        }

        if (pose is { } p2 && MathF.Abs(p2.Pitch) > q.MaxPitch)
        {
            reasons.Add($"pitch {p2.Pitch:0}°");
        }

        if (quality.Sharpness < q.MinSharpness)
        {
            reasons.Add($"blur {quality.Sharpness:0}");
        }
    }

    private ModelEntry Find(string id, ModelRole role)
    {
        var entry = Manifest.Models.FirstOrDefault(m => m.Id == id)
            ?? throw new BundleFormatException($"the bundle has no model '{id}' (it has: {string.Join(", ", Manifest.Models.Select(m => m.Id))})");
        return entry.Role == role
            ? entry
            : throw new BundleFormatException($"model '{id}' has role {entry.Role}, {role} was asked for");
    }
}
