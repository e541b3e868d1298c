using System.Diagnostics;
using System.Text.Json;
using FaceAttr.Messaging.Tests;
using FaceAttr.TestSupport;
using Xunit.Abstractions;

namespace FaceAttr.Daemon.Tests;

/// <summary>
/// The linux-arm64 publish of the daemon, run under qemu-aarch64-static user-mode emulation on real faces: it must
/// publish schema-valid events to a real mosquitto. Prepared by ./test.sh (tools/packaging/publish.sh linux-arm64 and
/// tools/packaging/arm64-root.sh). Emulation is slow (seconds per frame), so a few frames only.
/// </summary>
public sealed class Arm64SmokeTests(ITestOutputHelper output)
{
    private static string Published => Path.Combine(TestPaths.RepoRoot, "artifacts", "publish", "linux-arm64", "faceattrd");

    private static string Root => Path.Combine(TestPaths.RepoRoot, "artifacts", "arm64-root");

    [Fact]
    public async Task TheArm64DaemonUnderEmulationPublishesEventsForRealFaces()
    {
        Assert.True(File.Exists(Published) && File.Exists(Path.Combine(Root, "proc", "cpuinfo")),
            "the arm64 build is not prepared: run tools/packaging/publish.sh linux-arm64 and tools/packaging/arm64-root.sh (./test.sh does)");
        var clip = await TestClips.StillPersonAsync();
        if (clip is null)
        {
            output.WriteLine($"SKIPPED (real data absent): no UTKFace images under {TestPaths.Data}");
            return;
        }

        await using var broker = await MosquittoBroker.StartAsync();
        await using var subscriber = await TestSubscriber.ConnectAsync(broker.Port, "faceattr/it-arm64/#");
        var start = new ProcessStartInfo("qemu-aarch64-static")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Published)!,
            Environment = { ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1" },
        };
        foreach (var a in new[]
        {
            "-L", Root, Published,
            "--FaceAttr:DeviceId=it-arm64", $"--FaceAttr:Bundle={TestPaths.RequireBundle()}",
            "--FaceAttr:Source=pipe", $"--FaceAttr:PipeInput={clip}", $"--FaceAttr:Width={TestClips.Width}", $"--FaceAttr:Height={TestClips.Height}",
            "--FaceAttr:Fps=2", "--FaceAttr:MaxFrames=3", "--FaceAttr:Detector=blazeface-front",
            // Emulated frames are seconds apart: keep the person present between them and count them at once.
            "--FaceAttr:Tracking:ExitTimeoutSeconds=600", "--FaceAttr:Tracking:MinDwellSeconds=0",
            $"--FaceAttr:Mqtt:Host={MosquittoBroker.Host}", $"--FaceAttr:Mqtt:Port={broker.Port}",
        })
        {
            start.ArgumentList.Add(a);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        await process.WaitForExitAsync(timeout.Token);
        var log = await stderr + await stdout;
        output.WriteLine($"emulated run: {clock.Elapsed.TotalSeconds:0} s, exit {process.ExitCode}\n{log}");
        await File.WriteAllTextAsync(Path.Combine(TestPaths.RepoRoot, "artifacts", "arm64-smoke.log"), log);
        Assert.True(process.ExitCode == 0, log);

        var all = await subscriber.WaitUntilAsync(m => m.Any(x => x.Topic.EndsWith("/events", StringComparison.Ordinal) && x.Text.Contains("\"exit\"", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), "an exit event from the arm64 daemon");
        foreach (var m in all)
        {
            SchemaValidator.AssertValid(SchemaValidator.ForTopic(m.Topic), m.Payload);
        }

        var events = all.Where(m => m.Topic.EndsWith("/events", StringComparison.Ordinal)).Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
        var enter = events.First(e => e.GetProperty("kind").GetString() == "enter");
        Assert.Equal("male", enter.GetProperty("attributes").GetProperty("gender").GetProperty("label").GetString());
        Assert.Contains("pipeline stopped: 3 frames", log, StringComparison.Ordinal);
        var online = all.Where(m => m.Topic.EndsWith("/status", StringComparison.Ordinal)).Select(m => JsonDocument.Parse(m.Payload).RootElement)
            .First(s => s.GetProperty("state").GetString() == "online");
        output.WriteLine($"status versions: {online.GetProperty("versions").GetRawText()}");
    }
}
