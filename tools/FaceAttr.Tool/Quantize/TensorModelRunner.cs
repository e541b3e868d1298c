using FaceAttr.Core.Bundles;
using Microsoft.ML.OnnxRuntime;

namespace FaceAttr.Tool.Quantize;

/// <summary>
/// Runs a model file on ready-made input tensors (calibration items) and returns its outputs in manifest order. For
/// comparing a float model with its int8 version on the same inputs; owns its session.
/// </summary>
public sealed class TensorModelRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ModelEntry _entry;
    private readonly long[] _shape;
    private readonly string[] _outputs;
    private readonly RunOptions _runOptions = new();

    /// <summary>Opens <paramref name="modelPath"/> for <paramref name="entry"/>'s input and outputs, with <paramref name="threads"/> intra-op threads.</summary>
    public TensorModelRunner(string modelPath, ModelEntry entry, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _entry = entry;
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        _session = new InferenceSession(modelPath, options);
        _shape = InputShape(entry.Input);
        _outputs = [.. entry.Outputs.Select(o => o.Name)];
    }

    /// <summary>The NHWC or NCHW shape of one batch item of <paramref name="input"/>.</summary>
    public static long[] InputShape(ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Layout == TensorLayout.Nhwc
            ? [1, input.Height, input.Width, input.Channels]
            : [1, input.Channels, input.Height, input.Width];
    }

    /// <summary>The outputs for one input tensor, in manifest order.</summary>
    public float[][] Run(float[] tensor)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(tensor, _shape);
        using var results = _session.Run(_runOptions, [_entry.Input.Name], [value], _outputs);
        return [.. results.Select(r => r.GetTensorDataAsSpan<float>().ToArray())];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
