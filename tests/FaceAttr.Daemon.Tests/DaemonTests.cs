using System.Text.Json;
using FaceAttr.TestSupport;

namespace FaceAttr.Daemon.Tests;

/// <summary>The daemon run as an operator runs it: bad configuration named, and real faces turned into events.</summary>
public sealed class DaemonTests
{
    [Theory]
    [InlineData("--FaceAttr:Fps=0", "FaceAttr:Fps 0 is outside the allowed range 0.1–120")]
    [InlineData("--FaceAttr:Source=usb", "FaceAttr:Source 'usb' must be one of images, pipe, v4l2")]
    [InlineData("--FaceAttr:DeviceId=kiosk/1", "FaceAttr:DeviceId 'kiosk/1'")]
    [InlineData("--FaceAttr:Source=pipe", "FaceAttr:PipeInput must be set")]
    [InlineData("--FaceAttr:Bundle=/nonexistent", "FaceAttr:Bundle '/nonexistent' has no manifest.json")]
    [InlineData("--FaceAttr:Tracking:ExitTimeoutSeconds=0", "FaceAttr:Tracking:ExitTimeoutSeconds 0: Tracker.ExitTimeoutSeconds must be in 0.05..600")]
    [InlineData("--FaceAttr:Mqtt:Port=70000", "FaceAttr:Mqtt:Port")]
    [InlineData("--FaceAttr:V4l2Format=h264", "FaceAttr:V4l2Format 'h264' must be one of auto, yuyv, mjpeg")]
    public async Task ABadValueStopsStartupNamingTheKey(string argument, string expected)
    {
        var (exit, _, stderr) = await RunDaemon(argument);
        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SamplePhotosBecomeEnterAndExitEventsWithAttributes()
    {
        var (exit, stdout, stderr) = await RunDaemon(
            "--FaceAttr:MaxFrames=12", "--FaceAttr:Fps=4", "--FaceAttr:ImageHoldSeconds=0", "--FaceAttr:DeviceId=test-kiosk",
            $"--FaceAttr:Bundle={TestPaths.RequireBundle()}");
        Assert.True(exit == 0, stderr);
        var events = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var kinds = events.Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("enter", kinds);
        Assert.Contains("exit", kinds);
        foreach (var e in events)
        {
            Assert.Equal(1, e.GetProperty("schema_version").GetInt32());
            Assert.Equal("test-kiosk", e.GetProperty("device").GetString());
            Assert.True(e.GetProperty("track_id").GetInt64() > 0);
        }

        // Every track that entered also exits (at the end of the run at the latest), each with its gender.
        var entered = events.Where(e => e.GetProperty("kind").GetString() == "enter").Select(e => e.GetProperty("track_id").GetInt64()).ToHashSet();
        var exited = events.Where(e => e.GetProperty("kind").GetString() == "exit").Select(e => e.GetProperty("track_id").GetInt64()).ToHashSet();
        Assert.Subset(exited, entered);
        Assert.All(events.Where(e => e.GetProperty("kind").GetString() == "enter"),
            e => Assert.True(e.GetProperty("attributes").TryGetProperty("gender", out _)));
        Assert.Contains("pipeline stopped: 12 frames", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RealFacesThroughAnFfmpegPipeBecomeEvents()
    {
        var pattern = Path.Combine(TestPaths.RequireBundle(), "samples", "sample%d.jpg");
        var (exit, stdout, stderr) = await RunDaemon(
            "--FaceAttr:MaxFrames=8", "--FaceAttr:Fps=4", "--FaceAttr:Source=pipe", $"--FaceAttr:PipeInput={pattern}",
            "--FaceAttr:Width=960", "--FaceAttr:Height=640", $"--FaceAttr:Bundle={TestPaths.Bundle}");
        Assert.True(exit == 0, stderr);
        Assert.Contains("pipe:ffmpeg", stderr, StringComparison.Ordinal);
        var enters = stdout.Split('\n').Count(l => l.Contains("\"kind\":\"enter\"", StringComparison.Ordinal));
        Assert.InRange(enters, 2, 40);
        Assert.Contains("pipeline stopped: 8 frames", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAQuietMotionSensorTheCameraIdlesOnceNobodyIsThere()
    {
        // A simulated GPIO chip whose PIR never fires: the gate starts awake, sees the sample photos' faces, and once the
        // pictures run out of faces it idles — analysis stops, so the second photo (more faces) yields no new enter.
        var folder = Directory.CreateTempSubdirectory("faceattr-idle-").FullName;
        try
        {
            File.Copy(Path.Combine(TestPaths.RequireBundle(), "samples", "sample1.jpg"), Path.Combine(folder, "a.jpg"));
            using (var grey = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(640, 480, new SixLabors.ImageSharp.PixelFormats.Rgb24(128, 128, 128)))
            {
                SixLabors.ImageSharp.ImageExtensions.SaveAsPng(grey, Path.Combine(folder, "b.png"));
            }

            File.Copy(Path.Combine(folder, "b.png"), Path.Combine(folder, "b2.png")); // 8 s of an empty scene
            File.Copy(Path.Combine(TestPaths.RequireBundle(), "samples", "sample2.jpg"), Path.Combine(folder, "c.jpg"));
            var (exit, stdout, stderr) = await RunDaemon(
                "--FaceAttr:MaxFrames=80", "--FaceAttr:Fps=5", "--FaceAttr:ImageHoldSeconds=4", $"--FaceAttr:ImagesPath={folder}",
                $"--FaceAttr:Bundle={TestPaths.RequireBundle()}", "--FaceAttr:Device:Simulated=true", "--FaceAttr:Device:MotionPin=4",
                "--FaceAttr:Device:LedPin=17", "--FaceAttr:Device:ButtonPin=27", "--FaceAttr:Device:IdleAfterSeconds=3");
            Assert.True(exit == 0, stderr);
            Assert.Contains("camera idle until motion", stderr, StringComparison.Ordinal);
            var enters = stdout.Split('\n').Where(l => l.Contains("\"kind\":\"enter\"", StringComparison.Ordinal))
                .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("timestamp").GetDateTimeOffset()).ToList();
            Assert.NotEmpty(enters);
            // Everyone entered while the first photo showed; the last photo, 12 s later, was never analysed.
            Assert.All(enters, at => Assert.True((at - enters.Min()).TotalSeconds < 4, $"an enter {(at - enters.Min()).TotalSeconds:0.0} s after the first"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunDaemon(params string[] args)
    {
        var (exit, stdout, stderr) = await DaemonProcess.RunAsync(["--FaceAttr:EmbeddedBrokerPort=0", .. args]);
        return (exit, string.Join('\n', stdout), stderr);
    }
}
