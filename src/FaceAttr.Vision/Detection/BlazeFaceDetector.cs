using System.Numerics;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;
using FaceAttr.Vision.Models;
using FaceAttr.Vision.Preprocessing;
using Microsoft.ML.OnnxRuntime;

namespace FaceAttr.Vision.Detection;

/// <summary>
/// A single-shot anchor detector in the BlazeFace family (MediaPipe front 128 px and back 256 px models,
/// or any bundle detector with an SSD anchor layout, sigmoid anchor scores and box + 6 keypoint offsets).
/// Everything comes from the manifest entry: input size and normalisation, anchor layout, and which
/// outputs carry scores and boxes (in manifest order, concatenated in anchor order).
/// <para>
/// The frame is letterboxed into the model input (aspect kept, centred, black padding), decoded as
/// MediaPipe does, merged by weighted non-max suppression and mapped back to image pixels. Boxes are not
/// clipped to the image: a face cut by the frame edge keeps its full estimated extent.
/// </para>
/// <para>
/// Owns its ONNX session and the preallocated input/output buffers it runs over; <see cref="Dispose"/>
/// releases them. A <see cref="Detect"/> call allocates nothing beyond growing the caller's list.
/// Not thread-safe: one detector per worker.
/// </para>
/// </summary>
public sealed class BlazeFaceDetector : IFaceDetector, IDisposable
{
    private const float LogitClamp = 100f;

    private readonly ModelEntry _entry;
    private readonly DetectorOptions _options;
    private readonly InferenceSession _session;
    private readonly Vector2[] _anchors;
    private readonly int _valuesPerAnchor;
    private readonly int _keypoints;

    private readonly float[] _input;
    private readonly float[] _scores;
    private readonly float[] _boxes;
    private readonly OrtValue _inputValue;
    private readonly OrtValue[] _outputValues;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions;

    private readonly DetectedFace[] _proposals;
    private readonly WeightedNms _nms;
    private bool _disposed;

    /// <summary>
    /// Opens the detector model of <paramref name="entry"/> from <paramref name="bundleFolder"/> with the
    /// default session settings (1 intra-op thread).
    /// </summary>
    /// <exception cref="ModelContractException">The entry is not an anchor detector this class can decode, or its model breaks the manifest.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public BlazeFaceDetector(string bundleFolder, ModelEntry entry, DetectorOptions options)
        : this(bundleFolder, entry, options, new SessionSettings())
    {
    }

    /// <summary>
    /// Opens the detector model of <paramref name="entry"/> from <paramref name="bundleFolder"/> with the
    /// given ONNX Runtime settings (thread counts).
    /// </summary>
    /// <exception cref="ModelContractException">The entry is not an anchor detector this class can decode, or its model breaks the manifest.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public BlazeFaceDetector(string bundleFolder, ModelEntry entry, DetectorOptions options, SessionSettings sessionSettings)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sessionSettings);
        options.Validate();
        _entry = entry;
        _options = options;

        var where = $"detector '{entry.Id}'";
        if (entry.Role != ModelRole.Detector)
        {
            throw new ModelContractException($"{where}: role is {entry.Role}, not detector");
        }

        var layout = entry.Anchors ?? throw new ModelContractException($"{where}: the manifest entry has no anchors layout");
        if (layout.Keypoints != FaceKeypoints.Count)
        {
            throw new ModelContractException(
                $"{where}: anchors.keypoints is {layout.Keypoints}; FaceAttr reads exactly {FaceKeypoints.Count} keypoints in MediaPipe order");
        }

        _keypoints = layout.Keypoints;
        try
        {
            _anchors = SsdAnchors.Generate(layout, entry.Input.Width, entry.Input.Height);
        }
        catch (ArgumentException ex)
        {
            throw new ModelContractException($"{where}: {ex.Message}", ex);
        }

        var scoreOutputs = entry.Outputs.Where(o => o.Kind == OutputKind.AnchorScores).ToArray();
        var boxOutputs = entry.Outputs.Where(o => o.Kind == OutputKind.AnchorBoxes).ToArray();
        var scoreTotal = scoreOutputs.Sum(o => o.Size);
        var boxTotal = boxOutputs.Sum(o => o.Size);
        if (scoreOutputs.Length == 0 || boxOutputs.Length == 0)
        {
            throw new ModelContractException($"{where}: needs at least one anchor-scores and one anchor-boxes output");
        }

        if (scoreTotal != _anchors.Length)
        {
            throw new ModelContractException(
                $"{where}: the anchor layout gives {_anchors.Length} anchors but the anchor-scores outputs hold {scoreTotal} values (one per anchor)");
        }

        _valuesPerAnchor = boxTotal / _anchors.Length;
        if (boxTotal % _anchors.Length != 0 || _valuesPerAnchor < 4 + (2 * _keypoints)
            || boxOutputs.Any(o => o.Size % _valuesPerAnchor != 0))
        {
            throw new ModelContractException(
                $"{where}: the anchor-boxes outputs hold {boxTotal} values, not a whole number of at least {4 + (2 * _keypoints)} per anchor for {_anchors.Length} anchors");
        }

        _session = SessionFactory.Open(bundleFolder, entry, sessionSettings);
        try
        {
            _runOptions = new RunOptions();
            _input = new float[TensorWriter.ItemLength(entry.Input)];
            long[] inputShape = entry.Input.Layout == TensorLayout.Nhwc
                ? [1, entry.Input.Height, entry.Input.Width, entry.Input.Channels]
                : [1, entry.Input.Channels, entry.Input.Height, entry.Input.Width];
            _inputValue = OrtValue.CreateTensorValueFromMemory(_input, inputShape);

            // Bound once: RunWithBinding then allocates nothing per call, where Run(names, values) allocates
            // ~400 bytes of managed handle arrays every time.
            _binding = _session.CreateIoBinding();
            _binding.BindInput(entry.Input.Name, _inputValue);

            // Scores and boxes each live in one array, the outputs being consecutive slices of it, so the
            // decoder indexes anchors directly whatever way the model splits them over its outputs.
            _scores = new float[scoreTotal];
            _boxes = new float[boxTotal];
            _outputValues = new OrtValue[scoreOutputs.Length + boxOutputs.Length];
            var n = 0;
            n = BindOutputs(where, scoreOutputs, _scores, n);
            BindOutputs(where, boxOutputs, _boxes, n);
        }
        catch
        {
            DisposeNative();
            throw;
        }

        _proposals = new DetectedFace[_anchors.Length];
        _nms = new WeightedNms(_anchors.Length);
    }

    /// <inheritdoc />
    public string ModelId => _entry.Id;

    /// <summary>The options the detector filters with.</summary>
    public DetectorOptions Options => _options;

    /// <summary>Number of anchors the model scores per frame.</summary>
    public int AnchorCount => _anchors.Length;

    /// <inheritdoc />
    public void Detect(RgbImage image, List<DetectedFace> results)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(results);
        if (image.Width <= 0 || image.Height <= 0)
        {
            throw new ArgumentException("the image is empty (a default RgbImage)", nameof(image));
        }

        results.Clear();

        var input = _entry.Input;
        var crop = Letterbox(image.Width, image.Height, input.Width, input.Height);
        TensorWriter.Write(image, crop, input, _input);
        _session.RunWithBinding(_runOptions, _binding);

        var count = Decode(crop);
        _nms.Run(_proposals.AsSpan(0, count), _options.NmsIoU, _proposals.Length, results);
        Filter(results);
    }

    /// <summary>
    /// The crop that letterboxes a <paramref name="imageWidth"/>×<paramref name="imageHeight"/> frame into a
    /// <paramref name="inputWidth"/>×<paramref name="inputHeight"/> input: the input's aspect, just covering
    /// the frame, centred on it (the surplus reads black). Maps input pixels to image pixels.
    /// </summary>
    public static Affine2D Letterbox(int imageWidth, int imageHeight, int inputWidth, int inputHeight)
    {
        var scale = MathF.Max((float)imageWidth / inputWidth, (float)imageHeight / inputHeight);
        var w = inputWidth * scale;
        var h = inputHeight * scale;
        return Affine2D.FromRect((imageWidth - w) / 2f, (imageHeight - h) / 2f, w, h, inputWidth, inputHeight);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DisposeNative();
    }

    private int BindOutputs(string where, ModelOutput[] outputs, float[] buffer, int valueIndex)
    {
        var offset = 0;
        foreach (var output in outputs)
        {
            var dims = _session.OutputMetadata[output.Name].Dimensions;
            if (dims.Length < 2)
            {
                throw new ModelContractException($"{where}: output '{output.Name}' has rank {dims.Length}; expected a batch dimension and values");
            }

            var shape = new long[dims.Length];
            shape[0] = 1;
            for (var d = 1; d < dims.Length; d++)
            {
                if (dims[d] <= 0)
                {
                    throw new ModelContractException(
                        $"{where}: output '{output.Name}' has a dynamic dimension [{string.Join(",", dims)}]; the detector needs fixed output shapes");
                }

                shape[d] = dims[d];
            }

            _outputValues[valueIndex] = OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance, buffer.AsMemory(offset, output.Size), shape);
            _binding.BindOutput(output.Name, _outputValues[valueIndex]);
            offset += output.Size;
            valueIndex++;
        }

        return valueIndex;
    }

    /// <summary>Turns anchors above the score threshold into faces in image pixels; returns how many.</summary>
    private int Decode(in Affine2D crop)
    {
        float inW = _entry.Input.Width, inH = _entry.Input.Height;
        var minScore = _options.MinScore;
        var scores = _scores;
        var boxes = _boxes;
        var count = 0;
        for (var a = 0; a < _anchors.Length; a++)
        {
            var score = Sigmoid(Math.Clamp(scores[a], -LogitClamp, LogitClamp));
            if (score < minScore)
            {
                continue;
            }

            var o = a * _valuesPerAnchor;
            var w = boxes[o + 2];
            var h = boxes[o + 3];
            if (!(w > 0 && h > 0))
            {
                continue;
            }

            // Offsets are in input pixels from the anchor centre; anchor sizes are fixed at 1 (MediaPipe).
            var ax = _anchors[a].X * inW;
            var ay = _anchors[a].Y * inH;
            var cx = ax + boxes[o];
            var cy = ay + boxes[o + 1];
            var topLeft = crop.Apply(cx - (w / 2), cy - (h / 2));
            var bottomRight = crop.Apply(cx + (w / 2), cy + (h / 2));
            var points = default(FaceKeypoints);
            for (var k = 0; k < _keypoints; k++)
            {
                points[k] = crop.Apply(ax + boxes[o + 4 + (2 * k)], ay + boxes[o + 5 + (2 * k)]);
            }

            var box = new BoxF(topLeft.X, topLeft.Y, bottomRight.X - topLeft.X, bottomRight.Y - topLeft.Y);
            _proposals[count++] = new DetectedFace(box, score, points);
        }

        return count;
    }

    /// <summary>Drops faces below the size floor (in place, keeping order) and keeps the best MaxFaces.</summary>
    private void Filter(List<DetectedFace> results)
    {
        var minSize = _options.MinFaceSize;
        var kept = 0;
        for (var i = 0; i < results.Count; i++)
        {
            var box = results[i].Box;
            if (MathF.Max(box.Width, box.Height) >= minSize)
            {
                results[kept++] = results[i];
            }
        }

        kept = Math.Min(kept, _options.MaxFaces);
        results.RemoveRange(kept, results.Count - kept);
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    private void DisposeNative()
    {
        _binding?.Dispose();
        _inputValue?.Dispose();
        if (_outputValues is not null)
        {
            foreach (var v in _outputValues)
            {
                v?.Dispose();
            }
        }

        _runOptions?.Dispose();
        _session.Dispose();
    }
}
