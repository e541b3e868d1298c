using System.Collections.Concurrent;
using System.Diagnostics;

namespace FaceAttr.Daemon.Tests;

/// <summary>
/// The real <c>faceattrd</c> as a child process, started as an operator starts it (options on the command line), with
/// its stdout and stderr collected line by line. Killed at dispose if still running.
/// </summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DaemonProcess(Process process)
    {
        _process = process;
    }

    public IReadOnlyList<string> Stdout => [.. _stdout];

    public string Stderr => string.Join('\n', _stderr);

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    public static DaemonProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts the daemon with extra environment variables (systemd's NOTIFY_SOCKET, FACEATTR__… settings).</summary>
    public static DaemonProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "faceattrd.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("faceattrd did not start");
        var daemon = new DaemonProcess(process);
        process.OutputDataReceived += (_, e) => Collect(e.Data, daemon._stdout, daemon._stdoutClosed);
        process.ErrorDataReceived += (_, e) => Collect(e.Data, daemon._stderr, daemon._stderrClosed);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>Runs the daemon to its end (it must stop by itself, e.g. with MaxFrames or a config error).</summary>
    public static async Task<(int Exit, IReadOnlyList<string> Stdout, string Stderr)> RunAsync(params string[] args)
    {
        await using var daemon = Start(args);
        var exit = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(120));
        return (exit, daemon.Stdout, daemon.Stderr);
    }

    /// <summary>Waits for the exit and for both pipes to drain; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"faceattrd did not exit within {timeout.TotalSeconds} s; stderr:\n{Stderr}");
        }

        return _process.ExitCode;
    }

    /// <summary>Waits until stderr (the log) holds <paramref name="text"/>.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_stderr.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                throw new TimeoutException($"no '{text}' in the daemon log; stderr:\n{Stderr}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>SIGTERM, as systemd stops a service.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("/bin/kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>SIGKILL: no goodbye, the broker has to publish the last will.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void Collect(string? line, ConcurrentQueue<string> into, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
        }
        else
        {
            into.Enqueue(line);
        }
    }
}
