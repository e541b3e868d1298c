using System.Diagnostics;
using FaceAttr.TestSupport;
using Xunit.Abstractions;

namespace FaceAttr.Capture.Tests;

public sealed class TmpMeasure(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true, 30)]
    [InlineData(false, 30)]
    public async Task Measure(bool realtime, double fps)
    {
        var pattern = Path.Combine(TestPaths.Bundle, "samples", "sample%d.jpg");
        var command = PipeCommands.FfmpegImageLoop(pattern, fps, 640, 427, realtime);
        using var channel = new FrameChannel(new FrameChannelOptions { Capacity = 4 });
        var source = new PipeSource(command);
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(channel, cts.Token);
        var watch = new Stopwatch();
        for (var i = 0; i < 91; i++)
        {
            using var f = await channel.ReadAsync(cts.Token);
            if (i == 0) watch.Start();
        }
        output.WriteLine($"realtime={realtime} fps={fps}: {90 / watch.Elapsed.TotalSeconds:0.0} fps, dropped {channel.Counters.Dropped}");
        await cts.CancelAsync();
        try { await run; } catch (OperationCanceledException) { }
    }
}
