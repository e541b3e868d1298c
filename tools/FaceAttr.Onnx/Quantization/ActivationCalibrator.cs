using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace FaceAttr.Onnx.Quantization;

/// <summary>
/// Measures the range of each planned activation: the float model runs on every calibration item with those tensors added
/// as graph outputs. Min-max needs one pass; percentile and entropy a second one that fills a histogram over the first
/// pass's range (two passes keep memory flat whatever the calibration set's size).
/// </summary>
internal sealed class ActivationCalibrator : IDisposable
{
    private const int PercentileBins = 4096;
    private const int EntropyBins = 2048;

    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly long[] _itemShape;
    private readonly long _itemLength;
    private readonly string[] _fetch;
    private readonly bool _inputIsCalibrated;

    public ActivationCalibrator(ModelProto model, IReadOnlyCollection<string> tensors, int intraOpThreads)
    {
        var index = new GraphIndex(model.Graph);
        if (index.GraphInputs.Count != 1)
        {
            throw new QuantizationException($"the model has {index.GraphInputs.Count} inputs; the quantizer calibrates models with one float image input");
        }

        _inputName = index.GraphInputs.First();
        _inputIsCalibrated = tensors.Contains(_inputName);
        _fetch = [.. tensors.Where(t => t != _inputName)];
        var augmented = model.Clone();
        var declared = augmented.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in _fetch.Where(declared.Add))
        {
            augmented.Graph.Output.Add(new ValueInfoProto { Name = tensor });
        }

        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC,
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            _session = new InferenceSession(augmented.ToByteArray(), options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new QuantizationException($"ONNX Runtime cannot load the calibration model: {ex.Message}", ex);
        }

        var input = _session.InputMetadata[_inputName];
        if (input.ElementDataType != TensorElementType.Float || input.Dimensions.Length == 0)
        {
            _session.Dispose();
            throw new QuantizationException($"input '{_inputName}' is not a float tensor with a batch dimension");
        }

        _itemShape = input.Dimensions.Select(d => (long)d).ToArray();
        _itemLength = _itemShape.Skip(1).Aggregate(1L, (a, d) => a * d);
        if (_itemShape.Skip(1).Any(d => d <= 0))
        {
            _session.Dispose();
            throw new QuantizationException($"input '{_inputName}' has shape [{string.Join(",", _itemShape)}]; only the batch dimension may be dynamic");
        }
    }

    /// <summary>Floats in one batch item of the input.</summary>
    public long ItemLength => _itemLength;

    /// <summary>The calibrated range of each tensor.</summary>
    public Dictionary<string, (float Lo, float Hi)> Calibrate(IReadOnlyList<float[]> items, QuantizationOptions options)
    {
        var minMax = new Dictionary<string, (float Min, float Max)>(StringComparer.Ordinal);
        Pass(items, (name, values) =>
        {
            var (min, max) = minMax.TryGetValue(name, out var seen) ? seen : (float.PositiveInfinity, float.NegativeInfinity);
            foreach (var v in values)
            {
                // NaN fails both comparisons and so never widens the range.
                if (v < min)
                {
                    min = v;
                }

                if (v > max)
                {
                    max = v;
                }
            }

            minMax[name] = (min, max);
        });

        if (options.Method == CalibrationMethod.MinMax || (options.Method == CalibrationMethod.Percentile && options.Percentile >= 100))
        {
            return minMax.ToDictionary(p => p.Key, p => Finite(p.Value), StringComparer.Ordinal);
        }

        var histograms = new Dictionary<string, (ValueHistogram Histogram, int ZeroBin)>(StringComparer.Ordinal);
        foreach (var (name, range) in minMax)
        {
            var (min, max) = Finite(range);
            histograms[name] = options.Method == CalibrationMethod.Percentile
                ? (new ValueHistogram(min, max, PercentileBins), 0)
                : min >= 0
                    ? (new ValueHistogram(0f, max, EntropyBins, skipZeros: true), 0)
                    : (new ValueHistogram(-MathF.Max(-min, max), MathF.Max(-min, max), EntropyBins, skipZeros: true), EntropyBins / 2);
        }

        Pass(items, (name, values) => histograms[name].Histogram.Add(values));
        var ranges = new Dictionary<string, (float Lo, float Hi)>(StringComparer.Ordinal);
        foreach (var (name, (histogram, zeroBin)) in histograms)
        {
            var (lo, hi) = options.Method == CalibrationMethod.Percentile
                ? RangeSelection.Percentile(histogram, options.Percentile)
                : RangeSelection.Entropy(histogram, zeroBin);
            var (min, max) = Finite(minMax[name]);
            ranges[name] = (MathF.Max(lo, min), MathF.Min(hi, max));
        }

        return ranges;
    }

    public void Dispose() => _session.Dispose();

    private static (float, float) Finite((float Min, float Max) range) =>
        float.IsFinite(range.Min) && float.IsFinite(range.Max) ? range : (0f, 0f);

    private void Pass(IReadOnlyList<float[]> items, Action<string, ReadOnlySpan<float>> visit)
    {
        using var runOptions = new RunOptions();
        var fixedBatch = _itemShape[0] > 0 ? _itemShape[0] : 0;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Length == 0 || item.Length % _itemLength != 0)
            {
                throw new QuantizationException(
                    $"calibration item {i} holds {item.Length} floats; input '{_inputName}' takes a multiple of {_itemLength} ([{string.Join(",", _itemShape.Skip(1))}] per batch item)");
            }

            var count = item.Length / _itemLength;
            var step = fixedBatch > 0 ? fixedBatch : count;
            if (count % step != 0)
            {
                throw new QuantizationException($"calibration item {i} holds {count} batch items; the model's batch is fixed at {fixedBatch}");
            }

            for (long start = 0; start < count; start += step)
            {
                var slice = item.AsMemory((int)(start * _itemLength), (int)(step * _itemLength));
                long[] shape = [step, .. _itemShape.Skip(1)];
                using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, slice, shape);
                using var results = _session.Run(runOptions, [_inputName], [value], _fetch);
                for (var t = 0; t < _fetch.Length; t++)
                {
                    visit(_fetch[t], results[t].GetTensorDataAsSpan<float>());
                }

                if (_inputIsCalibrated)
                {
                    visit(_inputName, slice.Span);
                }
            }
        }
    }
}
