using System.Diagnostics;
using FaceAttr.Training.Network;
using static TorchSharp.torch;

namespace FaceAttr.Training.Pruning;

/// <summary>Measures the host forward time of one face (TorchSharp, batch 1, eval mode) — a figure for reports, not a benchmark to assert on.</summary>
public static class InferenceTimer
{
    /// <summary>
    /// Median milliseconds per forward of one random face for each of <paramref name="nets"/>, with the current torch
    /// thread count: <paramref name="warmup"/> unmeasured rounds, then <paramref name="runs"/> rounds of one forward per
    /// network in turn — interleaved, so load from other processes on a shared machine falls on all of them alike
    /// instead of on whichever was timed during it. Each network's training/eval mode is restored afterwards.
    /// </summary>
    public static double[] MedianMilliseconds(IReadOnlyList<FaceAttrNet> nets, int runs = 300, int warmup = 30)
    {
        ArgumentNullException.ThrowIfNull(nets);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        var modes = nets.Select(n => n.training).ToArray();
        try
        {
            using var noGrad = no_grad();
            using var unit = rand(1, 3, nets[0].Options.InputSize, nets[0].Options.InputSize);
            using var face = (unit * 2) - 1;
            var times = nets.Select(_ => new double[runs]).ToArray();
            foreach (var net in nets)
            {
                net.eval();
            }

            for (var round = -warmup; round < runs; round++)
            {
                for (var k = 0; k < nets.Count; k++)
                {
                    using var scope = NewDisposeScope();
                    var start = Stopwatch.GetTimestamp();
                    var logits = nets[k].forward(face);
                    // Read one output so the time covers everything a caller would wait for.
                    _ = logits.Binary.data<float>()[0];
                    if (round >= 0)
                    {
                        times[k][round] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    }
                }
            }

            return [.. times.Select(t => { Array.Sort(t); return t[runs / 2]; })];
        }
        finally
        {
            for (var k = 0; k < nets.Count; k++)
            {
                nets[k].train(modes[k]);
            }
        }
    }
}
