using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FaceAttr.Capture;
using FaceAttr.Core.Faces;
using FaceAttr.Tracking;
using FaceAttr.Vision.Analysis;
using FaceAttr.Vision.Models;
using MQTTnet;

namespace FaceAttr.DaemonBench;

/// <summary>
/// Frames per second and frame-to-publish latency through the whole daemon (ffmpeg pipe → analysis → tracking → MQTT →
/// a subscriber on a real mosquitto) against the same frames through the bare analysis and tracker in-process, side by
/// side in one run, so the ratio is the daemon's overhead. Usage:
/// <c>faceattr-daemon-bench [--frames 150] [--bundle DIR] [--daemon PATH/faceattrd.dll]</c>.
/// </summary>
public static class Program
{
    private const int Width = 960;
    private const int Height = 640;

    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        var frames = int.Parse(Arg(args, "--frames") ?? "150", CultureInfo.InvariantCulture);
        var bundle = Path.GetFullPath(Arg(args, "--bundle") ?? FindUp(Path.Combine("artifacts", "models", "default")));
        var daemon = Path.GetFullPath(Arg(args, "--daemon") ?? FindUp(Path.Combine("src", "FaceAttr.Daemon", "bin", "Release", "net10.0", "faceattrd.dll")));
        var pattern = Path.Combine(bundle, "samples", "sample%d.jpg");
        Console.WriteLine($"faceattr-daemon-bench: {frames} frames of {Width}x{Height} from ffmpeg ({pattern}), 1 intra-op thread, {Environment.ProcessorCount} cores");

        var bare = await BareAsync(bundle, pattern, frames);
        Report("bare analysis + tracker (in-process)", bare.Fps, bare.P50, bare.P99, "per-frame compute");

        await using var broker = await Mosquitto.StartAsync();
        var saturated = await DaemonAsync(daemon, bundle, broker.Port, pattern, frames, inputFps: 30);
        Report("daemon, input 30 fps (saturated)", saturated.Fps, saturated.P50, saturated.P99, "capture → queued (daemon stats)");
        Report("", saturated.Fps, saturated.SubscriberP50, saturated.SubscriberP99, "capture → subscriber");
        var paced = await DaemonAsync(daemon, bundle, broker.Port, pattern, Math.Min(frames, 60), inputFps: 2);
        Report("daemon, input 2 fps (headroom)", paced.Fps, paced.P50, paced.P99, "capture → queued (daemon stats)");
        Report("", paced.Fps, paced.SubscriberP50, paced.SubscriberP99, "capture → subscriber");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"overhead: bare / daemon fps = {bare.Fps / saturated.Fps:0.00}x; daemon p50 latency at 2 fps / bare p50 = {paced.P50 / bare.P50:0.00}x"));
        return 0;
    }

    private static async Task<(double Fps, double P50, double P99)> BareAsync(string bundle, string pattern, int count)
    {
        // The very frames the daemon sees: the same ffmpeg command, read by the same pipe source, kept in memory.
        var frames = new List<Frame>();
        using var channel = new FrameChannel(new FrameChannelOptions { Capacity = 64 });
        using var stop = new CancellationTokenSource();
        var source = new PipeSource(PipeCommands.FfmpegImageLoop(pattern, 30, Width, Height, realtime: false));
        var run = source.RunAsync(channel, stop.Token);
        while (frames.Count < count)
        {
            frames.Add(await channel.ReadAsync(CancellationToken.None));
        }

        await stop.CancelAsync();
        await run.ContinueWith(_ => { }, TaskScheduler.Default);

        using var analyzer = new FaceAnalyzer(bundle, new AnalyzerOptions { DetectorModel = "blazeface-back", Session = new SessionSettings { IntraOpThreads = 1 } });
        var tracker = new FaceTracker("bench");
        var observations = new List<FaceObservation>();
        var events = new List<FaceAttr.Core.Events.TrackEvent>();
        foreach (var f in frames.Take(5))
        {
            analyzer.Analyze(f.Image); // warm-up
        }

        var times = new double[frames.Count];
        var clock = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < frames.Count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var faces = analyzer.Analyze(frames[i].Image);
            observations.Clear();
            foreach (var face in faces)
            {
                observations.Add(face.ToObservation());
            }

            events.Clear();
            tracker.Update(clock.AddMilliseconds(i * 200), observations, events);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        var seconds = total.Elapsed.TotalSeconds;
        foreach (var f in frames)
        {
            f.Dispose();
        }

        Array.Sort(times);
        return (frames.Count / seconds, At(times, 0.5), At(times, 0.99));
    }

    private static async Task<(double Fps, double P50, double P99, double SubscriberP50, double SubscriberP99)> DaemonAsync(
        string daemon, string bundle, int port, string pattern, int frames, double inputFps)
    {
        var device = "bench-" + inputFps.ToString(CultureInfo.InvariantCulture);
        var received = new List<(JsonElement Payload, DateTimeOffset At)>();
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            var at = DateTimeOffset.UtcNow;
            lock (received)
            {
                received.Add((JsonDocument.Parse(e.ApplicationMessage.Payload).RootElement.Clone(), at));
            }

            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("bench-" + Guid.NewGuid().ToString("N")[..6])
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        await client.SubscribeAsync($"faceattr/{device}/+");

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(daemon)! };
        foreach (var a in new[]
        {
            daemon, $"--FaceAttr:DeviceId={device}", $"--FaceAttr:Bundle={bundle}", "--FaceAttr:Source=pipe", $"--FaceAttr:PipeInput={pattern}",
            $"--FaceAttr:Width={Width}", $"--FaceAttr:Height={Height}", $"--FaceAttr:Fps={inputFps.ToString(CultureInfo.InvariantCulture)}",
            $"--FaceAttr:MaxFrames={frames}", "--FaceAttr:PrintEvents=false", "--FaceAttr:StatsIntervalSeconds=1", "--FaceAttr:Threads=1",
            "--FaceAttr:Mqtt:Host=127.0.0.1", $"--FaceAttr:Mqtt:Port={port}", "--FaceAttr:Mqtt:UpdateMinIntervalSeconds=0",
            "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"faceattrd exited with {process.ExitCode}: {await stderr}");
        }

        await Task.Delay(500);
        List<(JsonElement Payload, DateTimeOffset At)> all;
        lock (received)
        {
            all = [.. received];
        }

        // The daemon's own figures: the last full heartbeat (fps over its interval, latency over the last 512 frames).
        var stats = all.Where(m => m.Payload.TryGetProperty("fps_processed", out _)).Select(m => m.Payload).ToList();
        var steady = stats.Where(s => s.GetProperty("fps_processed").GetDouble() > 0).ToList();
        var fps = steady.Count > 2 ? steady.Skip(1).SkipLast(1).Average(s => s.GetProperty("fps_processed").GetDouble()) : steady.Average(s => s.GetProperty("fps_processed").GetDouble());
        var last = steady[^1];

        // End to end as a kiosk application sees it: event timestamp (the frame's capture time) to arrival. Enter events
        // only: updates may be held by the rate limit, exits are produced by a timeout.
        var lags = all.Where(m => m.Payload.TryGetProperty("kind", out var k) && k.GetString() == "enter")
            .Select(m => (m.At - m.Payload.GetProperty("timestamp").GetDateTimeOffset()).TotalMilliseconds).Order().ToArray();
        return (fps, last.GetProperty("latency_p50_ms").GetDouble(), last.GetProperty("latency_p99_ms").GetDouble(),
            lags.Length > 0 ? At(lags, 0.5) : double.NaN, lags.Length > 0 ? At(lags, 0.99) : double.NaN);
    }

    private static void Report(string what, double fps, double p50, double p99, string latency) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-38} {fps,7:0.00} fps   p50 {p50,7:0.0} ms   p99 {p99,7:0.0} ms   ({latency})"));

    private static double At(double[] sorted, double q) => sorted[(int)Math.Min(sorted.Length - 1, q * sorted.Length)];

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {Directory.GetCurrentDirectory()}; build it first (dotnet build -c Release)");
    }

    /// <summary>A Debian mosquitto on a free loopback port for the duration of the benchmark.</summary>
    private sealed class Mosquitto : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _config;

        private Mosquitto(Process process, int port, string config)
        {
            _process = process;
            Port = port;
            _config = config;
        }

        public int Port { get; }

        public static async Task<Mosquitto> StartAsync()
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            var config = Path.GetTempFileName();
            await File.WriteAllLinesAsync(config, [$"listener {port} 127.0.0.1", "allow_anonymous true", "max_queued_messages 100000"]);
            var process = Process.Start(new ProcessStartInfo("/usr/sbin/mosquitto", ["-c", config]) { RedirectStandardError = true })
                ?? throw new InvalidOperationException("mosquitto did not start (apt-get install mosquitto)");
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    using var c = new TcpClient();
                    await c.ConnectAsync(IPAddress.Loopback, port);
                    return new Mosquitto(process, port, config);
                }
                catch (SocketException)
                {
                    await Task.Delay(50);
                }
            }

            throw new InvalidOperationException("mosquitto did not listen");
        }

        public async ValueTask DisposeAsync()
        {
            _process.Kill();
            await _process.WaitForExitAsync();
            _process.Dispose();
            File.Delete(_config);
        }
    }
}
