using System.Diagnostics;

namespace FaceAttr.Capture;

/// <summary>
/// A Linux V4L2 camera (USB UVC webcams): YUYV or MJPEG over mmap streaming, with format, size and rate
/// negotiation. Frames are converted to RGB (YUYV by <see cref="YuvToRgb"/>, MJPEG by ImageSharp) into pooled
/// frames on a dedicated capture thread.
/// </summary>
/// <remarks>
/// A run opens the device (its file descriptor held in a SafeHandle), negotiates (see <see cref="Format"/>),
/// streams until cancelled, and releases everything on the way out. A missing, busy or inaccessible device ends
/// the run with <see cref="CaptureUnavailableException"/>; any failing ioctl with a <see cref="V4l2Exception"/>
/// naming it; a camera that stops delivering for <see cref="V4l2Options.FrameTimeout"/> or is unplugged with a
/// <see cref="CaptureException"/>. Corrupt frames (flagged by the driver, short, or undecodable) are skipped and
/// counted. Needs a 64-bit process (the struct layouts are the LP64 ABI).
/// </remarks>
public sealed class V4l2Source : IFrameSource
{
    private readonly V4l2Options _options;
    private readonly IV4l2DeviceProvider _provider;
    private readonly ICaptureLog _log;
    private long _sequence;
    private long _corruptFramesDone;
    private V4l2Session? _session;
    private V4l2NegotiatedFormat? _format;

    /// <summary>Creates the source for a real device; nothing is opened until <see cref="RunAsync"/>.</summary>
    /// <param name="options">Device, size, rate and format; validated here.</param>
    /// <param name="log">Where negotiation results and skipped frames are logged; null to discard.</param>
    public V4l2Source(V4l2Options options, ICaptureLog? log = null)
        : this(options, LinuxV4l2DeviceProvider.Instance, log)
    {
    }

    internal V4l2Source(V4l2Options options, IV4l2DeviceProvider provider, ICaptureLog? log)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _provider = provider;
        _log = log ?? NullCaptureLog.Instance;
        Name = $"v4l2:{options.DevicePath}";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>What the camera agreed to in the latest run, or null before one got that far.</summary>
    public V4l2NegotiatedFormat? Format => Volatile.Read(ref _format);

    /// <summary>Frames skipped as corrupt so far.</summary>
    public long CorruptFrames => Interlocked.Read(ref _corruptFramesDone) + (Volatile.Read(ref _session)?.CorruptFrames ?? 0);

    /// <inheritdoc/>
    public Task RunAsync(FrameChannel output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_provider is LinuxV4l2DeviceProvider && (!OperatingSystem.IsLinux() || IntPtr.Size != 8))
        {
            throw new CaptureUnavailableException($"{Name}: V4L2 capture needs a 64-bit Linux process (linux-arm64 or linux-x64)");
        }

        // poll and DQBUF block: run on a thread of our own rather than a pool thread.
        return Task.Factory.StartNew(() => Run(output, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(FrameChannel output, CancellationToken cancellationToken)
    {
        var path = _options.DevicePath;
        var errno = _provider.TryOpen(path, out var device);
        if (errno != 0 || device is null)
        {
            var error = new V4l2Exception(path, "open", errno);
            if (errno is Errno.ENOENT or Errno.ENODEV or Errno.ENXIO)
            {
                throw new CaptureUnavailableException($"{path}: no such device (camera not connected?): {error.Message}", error);
            }

            if (errno is Errno.EACCES or Errno.EPERM or Errno.EBUSY)
            {
                throw new CaptureUnavailableException(error.Message + (errno == Errno.EBUSY ? " (in use by another program?)" : " (is the service user in the 'video' group?)"), error);
            }

            throw error;
        }

        using (device)
        {
            var session = new V4l2Session(device, _options, _log, Name);
            Volatile.Write(ref _session, session);
            try
            {
                session.Configure();
                Volatile.Write(ref _format, session.Format);
                _log.Log(CaptureLogLevel.Information, Name, $"negotiated {session.Format}");
                session.Start();
                Stream(session, output, cancellationToken);
            }
            finally
            {
                session.Dispose();
                Interlocked.Add(ref _corruptFramesDone, session.CorruptFrames);
                Volatile.Write(ref _session, null);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private void Stream(V4l2Session session, FrameChannel output, CancellationToken cancellationToken)
    {
        var wait = (int)Math.Min(100, _options.FrameTimeout.TotalMilliseconds);
        var lastFrame = Stopwatch.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (session.Next(output, wait, ref _sequence) != CaptureStep.Timeout)
            {
                lastFrame = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastFrame) > _options.FrameTimeout)
            {
                throw new CaptureException($"{_options.DevicePath}: no frame for {_options.FrameTimeout.TotalSeconds:0.##} s while streaming (camera stalled)");
            }
        }
    }
}
