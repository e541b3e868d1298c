using System.ComponentModel;
using System.Diagnostics;

namespace FaceAttr.Capture;

/// <summary>
/// Reads raw frames from a child process's stdout: ffmpeg (files, RTSP, image loops), rpicam-vid, GStreamer —
/// see <see cref="PipeCommands"/>. Each frame is exactly <see cref="PipeCommand.FrameBytes"/> bytes, read
/// straight into a pooled frame (RGB24) or into one reused buffer and converted (I420).
/// </summary>
/// <remarks>
/// <para>
/// A run starts the child, reads frames until the stream ends, and kills the child (with its process tree) when
/// cancelled. The end of the stream, a child that died, or a short read (a partial last frame: the byte stream
/// can no longer be trusted to be aligned on frame boundaries) ends the run with a
/// <see cref="PipeSourceException"/> carrying the exit code and the tail of the child's stderr; the supervisor
/// then restarts the child, which resynchronises the stream. Short reads are counted in <see cref="ShortReads"/>.
/// A program that cannot be started (not installed, not executable) gives <see cref="CaptureUnavailableException"/>.
/// </para>
/// <para>
/// The child's stderr is drained continuously (a full stderr pipe would block it) and its last
/// <see cref="PipeSourceOptions.StderrLines"/> lines are kept. The child gets an empty stdin.
/// </para>
/// </remarks>
public sealed class PipeSource : IFrameSource
{
    private readonly PipeSourceOptions _options;
    private readonly ICaptureLog _log;
    private long _sequence;
    private long _shortReads;
    private long _processStarts;
    private int _processId;
    private string[] _lastStderr = [];

    /// <summary>Creates the source; nothing starts until <see cref="RunAsync"/>.</summary>
    /// <param name="command">The child and its frame size; validated here.</param>
    /// <param name="options">Stderr and exit settings; null for the defaults.</param>
    /// <param name="log">Where starts and exits are logged; null to discard.</param>
    public PipeSource(PipeCommand command, PipeSourceOptions? options = null, ICaptureLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Validate();
        Command = command;
        _options = options ?? new PipeSourceOptions();
        _options.Validate();
        _log = log ?? NullCaptureLog.Instance;
        Name = $"pipe:{Path.GetFileName(command.FileName)}";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The command this source runs.</summary>
    public PipeCommand Command { get; }

    /// <summary>The running child's process id, or null between runs.</summary>
    public int? ProcessId => Volatile.Read(ref _processId) is var id and not 0 ? id : null;

    /// <summary>Children started so far.</summary>
    public long ProcessStarts => Interlocked.Read(ref _processStarts);

    /// <summary>Runs that ended in a partial frame (each one a resync by restart).</summary>
    public long ShortReads => Interlocked.Read(ref _shortReads);

    /// <summary>The last stderr lines of the most recent child that has ended.</summary>
    public IReadOnlyList<string> LastStderr => Volatile.Read(ref _lastStderr);

    /// <inheritdoc/>
    public async Task RunAsync(FrameChannel output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        cancellationToken.ThrowIfCancellationRequested();
        var stderr = new StderrTail(_options.StderrLines);
        using var process = new Process { StartInfo = StartInfo() };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                stderr.Add(line);
            }
        };

        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            var hint = ex.NativeErrorCode == Errno.ENOENT ? " (is it installed and on PATH?)" : string.Empty;
            throw new CaptureUnavailableException($"{Name}: cannot start '{Command.FileName}': {Errno.Describe(ex.NativeErrorCode)}{hint}", ex);
        }

        Interlocked.Increment(ref _processStarts);
        Volatile.Write(ref _processId, process.Id);
        _log.Log(CaptureLogLevel.Debug, Name, $"started pid {process.Id}: {Command}");
        try
        {
            process.BeginErrorReadLine();
            CloseInput(process);
            using var killOnCancel = cancellationToken.Register(static p => Kill((Process)p!), process);

            // Blocking reads on a thread of our own: a pipe delivers a frame in many 64 KB pieces, and reading them
            // synchronously allocates nothing per piece. Cancellation kills the child, which ends the read.
            await Task.Factory.StartNew(
                () => ReadFrames(process, output, stderr, cancellationToken),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).ConfigureAwait(false);
        }
        finally
        {
            Kill(process);
            await WaitForExitAsync(process).ConfigureAwait(false);
            Volatile.Write(ref _lastStderr, stderr.Snapshot());
            Volatile.Write(ref _processId, 0);
        }
    }

    private void ReadFrames(Process process, FrameChannel output, StderrTail stderr, CancellationToken cancellationToken)
    {
        var stdout = process.StandardOutput.BaseStream;
        var frameBytes = Command.FrameBytes;

        // I420 arrives in one reused buffer and is converted into the frame; RGB24 is read straight into the frame.
        var yuv = Command.PixelFormat == PipePixelFormat.I420 ? GC.AllocateUninitializedArray<byte>(frameBytes) : null;
        long frames = 0;
        while (true)
        {
            var frame = output.Pool.Rent(Command.Width, Command.Height);
            var handedOver = false;
            try
            {
                var target = yuv is null ? frame.Pixels : yuv.AsSpan();
                int read;
                try
                {
                    read = stdout.ReadAtLeast(target, frameBytes, throwOnEndOfStream: false);
                }
                catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new PipeSourceException($"{Name}: reading the child's stdout failed: {ex.Message}", ex);
                }

                if (read < frameBytes)
                {
                    throw EndOfStream(process, stderr, read, frames, cancellationToken);
                }

                if (yuv is not null)
                {
                    YuvToRgb.ConvertI420(yuv, Command.Width, Command.Height, frame.Pixels);
                }

                frame.MarkCaptured(Interlocked.Increment(ref _sequence));
                handedOver = true;
                output.TryWrite(frame);
                frames++;
            }
            finally
            {
                if (!handedOver)
                {
                    frame.Dispose();
                }
            }
        }
    }

    private PipeSourceException EndOfStream(Process process, StderrTail stderr, int partialBytes, long frames, CancellationToken cancellationToken)
    {
        WaitForExit(process);
        cancellationToken.ThrowIfCancellationRequested(); // we killed it: not a failure
        int? exitCode = process.HasExited ? process.ExitCode : null;
        var tail = stderr.Snapshot();
        var what = partialBytes > 0
            ? $"short read: {partialBytes} of {Command.FrameBytes} bytes of frame {frames + 1} before the stream ended (partial frame dropped; restart to resync)"
            : $"the stream ended after {frames} frames";
        if (partialBytes > 0)
        {
            Interlocked.Increment(ref _shortReads);
        }

        var exit = exitCode switch
        {
            null => "the child is still running",
            > 128 => $"exit code {exitCode} (killed by signal {exitCode - 128}?)",
            _ => $"exit code {exitCode}",
        };
        var errors = tail.Length > 0 ? $"; stderr: {string.Join(" | ", tail)}" : "; no stderr output";
        return new PipeSourceException($"{Name}: {what}; {exit}{errors}", exitCode, tail, partialBytes);
    }

    private ProcessStartInfo StartInfo()
    {
        var info = new ProcessStartInfo(Command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in Command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    private void WaitForExit(Process process)
    {
        try
        {
            // The overload with a timeout does not wait for stderr to drain; the one without does, so that the tail is complete.
            if (process.WaitForExit(_options.ExitTimeout))
            {
                process.WaitForExit();
            }
            else
            {
                _log.Log(CaptureLogLevel.Warning, Name, $"pid {SafeId(process)} did not exit within {_options.ExitTimeout.TotalSeconds:0.###} s of closing its stdout");
            }
        }
        catch (InvalidOperationException)
        {
            // Never started: nothing to wait for.
        }
    }

    private async Task WaitForExitAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(_options.ExitTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _log.Log(CaptureLogLevel.Warning, Name, $"pid {SafeId(process)} did not exit within {_options.ExitTimeout.TotalSeconds:0.###} s");
        }
        catch (InvalidOperationException)
        {
            // Never started: nothing to wait for.
        }
    }

    private static void CloseInput(Process process)
    {
        try
        {
            process.StandardInput.Close(); // the child reads an empty stdin, never our terminal
        }
        catch (IOException)
        {
            // The child already exited; the read that follows reports it.
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited (or never started) between the check and the kill.
        }
        catch (Win32Exception)
        {
            // Already gone or not ours to kill; the wait that follows reports a child that lingers.
        }
    }

    private static string SafeId(Process process)
    {
        try
        {
            return process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }
}
