using System.Diagnostics;

namespace FaceAttr.Tool.Bench;

/// <summary>
/// Times several actions side by side: round after round, each action runs a few times in turn, so drift on a shared,
/// noisy machine (other jobs, thermal throttling) touches every candidate alike and their ratio stays meaningful.
/// </summary>
public static class InterleavedTimer
{
    /// <summary>Median milliseconds of one call of each action, over <paramref name="rounds"/> × <paramref name="perRound"/> calls.</summary>
    public static double[] Medians(IReadOnlyList<Action> actions, int rounds, int perRound)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perRound, 1);
        foreach (var action in actions)
        {
            // Warm-up: first runs pay for allocation planning and JIT.
            for (var i = 0; i < 3; i++)
            {
                action();
            }
        }

        var samples = actions.Select(_ => new List<double>(rounds * perRound)).ToArray();
        for (var r = 0; r < rounds; r++)
        {
            for (var a = 0; a < actions.Count; a++)
            {
                for (var i = 0; i < perRound; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    actions[a]();
                    samples[a].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
        }

        return [.. samples.Select(Median)];
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}
