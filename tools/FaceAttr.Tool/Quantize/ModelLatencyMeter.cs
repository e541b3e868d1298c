using System.Diagnostics;
using FaceAttr.Core.Bundles;
using Microsoft.ML.OnnxRuntime;

namespace FaceAttr.Tool.Quantize;

/// <summary>Median and 90th-percentile time of one inference, milliseconds.</summary>
/// <param name="MedianMs">Median.</param>
/// <param name="P90Ms">90th percentile.</param>
/// <param name="Runs">Timed runs.</param>
public sealed record LatencyFigure(double MedianMs, double P90Ms, int Runs);

/// <summary>
/// Times a model file on one input with a given number of intra-op threads (1 by default, the device setting): the input
/// and outputs are bound once (<see cref="OrtIoBinding"/>), so the figure is inference alone. For <c>faceattr quantize</c>
/// and, later, <c>faceattr bench</c> to compare float and int8 files of the same model side by side.
/// </summary>
public static class ModelLatencyMeter
{
    /// <summary>Times <paramref name="modelPath"/> on <paramref name="input"/> (one batch item of <paramref name="entry"/>'s input).</summary>
    /// <param name="modelPath">ONNX file.</param>
    /// <param name="entry">The manifest entry (input name, layout and outputs).</param>
    /// <param name="input">One input tensor, e.g. a calibration item.</param>
    /// <param name="runs">Timed runs, after 5 warm-up runs; 1 or more.</param>
    /// <param name="threads">Intra-op threads; 1 or more.</param>
    public static LatencyFigure Measure(string modelPath, ModelEntry entry, float[] input, int runs = 50, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        using var session = new InferenceSession(modelPath, options);
        using var runOptions = new RunOptions();
        using var value = OrtValue.CreateTensorValueFromMemory(input, TensorModelRunner.InputShape(entry.Input));
        using var binding = session.CreateIoBinding();
        binding.BindInput(entry.Input.Name, value);
        foreach (var output in entry.Outputs)
        {
            binding.BindOutputToDevice(output.Name, OrtMemoryInfo.DefaultInstance);
        }

        for (var i = 0; i < 5; i++)
        {
            session.RunWithBinding(runOptions, binding);
        }

        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            session.RunWithBinding(runOptions, binding);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return new LatencyFigure(times[runs / 2], times[Math.Min(runs - 1, (int)(0.9 * runs))], runs);
    }
}
