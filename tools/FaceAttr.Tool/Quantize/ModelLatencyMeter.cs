using FaceAttr.Core.Bundles;
using FaceAttr.Tool.Bench;
using Microsoft.ML.OnnxRuntime;

namespace FaceAttr.Tool.Quantize;

/// <summary>Median time of one inference in milliseconds, and how many timed runs it is the median of.</summary>
/// <param name="MedianMs">Median.</param>
/// <param name="Runs">Timed runs.</param>
public sealed record LatencyFigure(double MedianMs, int Runs);

/// <summary>
/// Times model files on one input with a given number of intra-op threads (1 by default, the device setting), side by
/// side (<see cref="InterleavedTimer"/>), so the float and int8 files of a model see the same machine load. Input and
/// outputs are bound once (<see cref="OrtIoBinding"/>), so the figure is inference alone.
/// </summary>
public static class ModelLatencyMeter
{
    /// <summary>Times each of <paramref name="models"/> on <paramref name="input"/> (one batch item of its input), interleaved.</summary>
    /// <param name="models">ONNX files with their manifest entries (input name, layout and outputs).</param>
    /// <param name="input">One input tensor, e.g. a calibration item; every model must take its shape.</param>
    /// <param name="runs">Timed runs per model, after warm-up; 1 or more.</param>
    /// <param name="threads">Intra-op threads; 1 or more.</param>
    public static LatencyFigure[] Measure(IReadOnlyList<(string ModelPath, ModelEntry Entry)> models, float[] input, int runs = 50, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(models);
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
        using var runOptions = new RunOptions();
        var owned = new List<IDisposable>();
        try
        {
            var actions = new List<Action>();
            foreach (var (path, entry) in models)
            {
                var session = new InferenceSession(path, options);
                owned.Add(session);
                var value = OrtValue.CreateTensorValueFromMemory(input, TensorModelRunner.InputShape(entry.Input));
                owned.Add(value);
                var binding = session.CreateIoBinding();
                owned.Add(binding);
                binding.BindInput(entry.Input.Name, value);
                foreach (var output in entry.Outputs)
                {
                    binding.BindOutputToDevice(output.Name, OrtMemoryInfo.DefaultInstance);
                }

                actions.Add(() => session.RunWithBinding(runOptions, binding));
            }

            return [.. InterleavedTimer.Medians(actions, rounds: runs, perRound: 1).Select(ms => new LatencyFigure(ms, runs))];
        }
        finally
        {
            for (var i = owned.Count - 1; i >= 0; i--)
            {
                owned[i].Dispose();
            }
        }
    }
}
