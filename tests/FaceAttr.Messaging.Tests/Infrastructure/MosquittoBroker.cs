using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FaceAttr.Messaging.Tests;

/// <summary>
/// A real Debian mosquitto on 127.0.0.1 with a free port and a generated config file, for one test. It can be stopped
/// (SIGTERM, so it saves its persistence file) and started again on the same port. Killed at dispose.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private const string Executable = "/usr/sbin/mosquitto";
    private readonly string _folder;
    private readonly bool _persistence;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _console = new();
    private Process? _process;

    private readonly IReadOnlyList<string> _listenerLines;

    private MosquittoBroker(int port, string folder, bool persistence, IReadOnlyList<string> listenerLines)
    {
        Port = port;
        _folder = folder;
        _persistence = persistence;
        _listenerLines = listenerLines;
    }

    /// <summary>The broker's own temp folder (config, log, persistence, and files a test puts there).</summary>
    public string Folder => _folder;

    public int Port { get; }

    public static string Host => "127.0.0.1";

    public string LogPath => Path.Combine(_folder, "mosquitto.log");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts mosquitto; with <paramref name="persistence"/>, sessions and queued QoS 1 messages survive a restart.</summary>
    public static Task<MosquittoBroker> StartAsync(bool persistence = false) => StartAsync(persistence, _ => []);

    /// <summary>Starts mosquitto with extra lines for its listener (TLS files, authentication), written by <paramref name="listenerLines"/> given the broker's folder.</summary>
    public static async Task<MosquittoBroker> StartAsync(bool persistence, Func<string, IReadOnlyList<string>> listenerLines)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: apt-get install mosquitto (.ci/run installs it)");
        }

        var folder = Path.Combine(Path.GetTempPath(), "faceattr-mosquitto-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var broker = new MosquittoBroker(FreePort(), folder, persistence, listenerLines(folder));
        await broker.StartAgainAsync();
        return broker;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts (again, on the same port) and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("mosquitto is already running");
        }

        var config = Path.Combine(_folder, "mosquitto.conf");
        var lines = new List<string>
        {
            "per_listener_settings false",
            "user root",
            $"log_dest file {LogPath}",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "max_queued_messages 100000",
        };
        lines.Add($"listener {Port} 127.0.0.1");
        lines.AddRange(_listenerLines);
        if (!_listenerLines.Any(l => l.StartsWith("allow_anonymous", StringComparison.Ordinal)))
        {
            lines.Add("allow_anonymous true");
        }

        if (_persistence)
        {
            lines.Add("persistence true");
            lines.Add($"persistence_location {_folder}/");
        }
        else
        {
            lines.Add("persistence false");
        }

        await File.WriteAllLinesAsync(config, lines);
        _process = Process.Start(new ProcessStartInfo(Executable, ["-c", config])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("mosquitto did not start");

        // Drain both pipes (mosquitto warns about running as root on stderr before it reads the config).
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited with {_process.ExitCode}: {ReadLog()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }

        throw new TimeoutException($"mosquitto did not listen on {Port}: {ReadLog()}");
    }

    /// <summary>Stops with SIGTERM (a clean broker shutdown that saves persistence) and waits for the exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("/bin/kill", ["-TERM", _process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
        _process = null;
    }

    public string ReadLog() =>
        string.Join('\n', _console) + "\n" + (File.Exists(LogPath) ? File.ReadAllText(LogPath) : "(no log file)");

    private void Remember(string? line)
    {
        if (line is not null)
        {
            _console.Enqueue(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
