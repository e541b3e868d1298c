using System.Diagnostics;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceAttr.Capture;

/// <summary>What one step of the capture loop did.</summary>
internal enum CaptureStep
{
    /// <summary>No frame within the wait.</summary>
    Timeout,

    /// <summary>A frame was written to the channel.</summary>
    Delivered,

    /// <summary>A frame arrived but was corrupt; it was counted and its buffer requeued.</summary>
    Skipped,
}

/// <summary>
/// One streaming session on an open device — the V4L2 state machine: QUERYCAP → ENUM_FMT / ENUM_FRAMESIZES →
/// S_FMT → G_PARM / S_PARM → REQBUFS → QUERYBUF + mmap → QBUF → STREAMON → (poll → DQBUF → convert → QBUF)* →
/// STREAMOFF → munmap → REQBUFS(0). Every ioctl result is checked: a failure during set-up or streaming throws
/// a <see cref="V4l2Exception"/> naming the ioctl and errno; a failure during clean-up is logged (the device
/// may be gone). Not thread-safe: one capture thread drives it. It does not own the device.
/// </summary>
internal sealed unsafe class V4l2Session : IDisposable
{
    private const long TimestampMask = 0xe000;
    private const long TimestampMonotonic = 0x2000;

    private readonly IV4l2Device _device;
    private readonly V4l2Options _options;
    private readonly ICaptureLog _log;
    private readonly string _name;
    private readonly string _path;
    private (nint Address, uint Length)[] _buffers = [];
    private int _mapped;
    private bool _buffersRequested;
    private bool _streaming;
    private uint _pixelFormat;
    private int _width;
    private int _height;
    private int _stride;
    private byte[]? _jpegScratch;
    private long _corruptFrames;

    public V4l2Session(IV4l2Device device, V4l2Options options, ICaptureLog log, string name)
    {
        _device = device;
        _options = options;
        _log = log;
        _name = name;
        _path = options.DevicePath;
    }

    /// <summary>The agreed format, after <see cref="Configure"/>.</summary>
    public V4l2NegotiatedFormat? Format { get; private set; }

    /// <summary>Frames the driver flagged as bad, or that were short or failed to decode.</summary>
    public long CorruptFrames => Interlocked.Read(ref _corruptFrames);

    /// <summary>Checks the device, negotiates format, size and rate, and maps and queues the buffers.</summary>
    public void Configure()
    {
        var capability = default(V4l2Capability);
        Check(_device.Ioctl(V4l2.VIDIOC_QUERYCAP, &capability), V4l2.VIDIOC_QUERYCAP);
        var driver = Text(capability.Driver, 16);
        var card = Text(capability.Card, 32);
        var caps = (capability.Capabilities & V4l2.CAP_DEVICE_CAPS) != 0 ? capability.DeviceCaps : capability.Capabilities;
        if ((caps & V4l2.CAP_VIDEO_CAPTURE) == 0)
        {
            throw new CaptureUnavailableException(
                $"{_path}: {card} ({driver}) is not a video capture device (capabilities 0x{caps:x8}); a UVC camera's extra node is for metadata, use its first node");
        }

        if ((caps & V4l2.CAP_STREAMING) == 0)
        {
            throw new CaptureUnavailableException($"{_path}: {card} ({driver}) does not support streaming I/O");
        }

        var offered = EnumerateFormats();
        var choice = V4l2Negotiation.Choose(offered, EnumerateSizes, _options.PixelFormat, _options.Width, _options.Height)
            ?? throw new CaptureUnavailableException(
                $"{_path}: {card} offers none of the formats asked for ({_options.PixelFormat}); it offers {string.Join(", ", offered.Select(V4l2.FourCC))}");

        var format = new V4l2Format
        {
            Type = V4l2.BUF_TYPE_VIDEO_CAPTURE,
            Width = (uint)choice.Width,
            Height = (uint)choice.Height,
            PixelFormat = choice.PixelFormat,
            Field = V4l2.FIELD_NONE,
        };
        Check(_device.Ioctl(V4l2.VIDIOC_S_FMT, &format), V4l2.VIDIOC_S_FMT, $"({V4l2.FourCC(choice.PixelFormat)} {choice.Width}x{choice.Height})");
        if (format.PixelFormat != choice.PixelFormat)
        {
            throw new CaptureException($"{_path}: VIDIOC_S_FMT answered {V4l2.FourCC(format.PixelFormat)} instead of {V4l2.FourCC(choice.PixelFormat)}");
        }

        if (format.Width is 0 or > 16384 || format.Height is 0 or > 16384)
        {
            throw new CaptureException($"{_path}: VIDIOC_S_FMT answered an unusable size {format.Width}x{format.Height}");
        }

        _pixelFormat = format.PixelFormat;
        _width = (int)format.Width;
        _height = (int)format.Height;
        if (_pixelFormat == V4l2.PIX_FMT_YUYV)
        {
            _stride = format.BytesPerLine == 0 ? _width * 2 : (int)format.BytesPerLine;
            if (_stride < _width * 2 || _width % 2 != 0)
            {
                throw new CaptureException($"{_path}: VIDIOC_S_FMT answered YUYV {_width}x{_height} with {_stride} bytes per line, which cannot hold a row");
            }
        }

        if (_width != _options.Width || _height != _options.Height)
        {
            _log.Log(CaptureLogLevel.Information, _name, $"asked for {_options.Width}x{_options.Height}; nearest the camera offers is {_width}x{_height}");
        }

        var fps = SetFrameRate();
        var buffers = RequestAndMapBuffers();
        Format = new V4l2NegotiatedFormat(driver, card, V4l2.FourCC(_pixelFormat), _width, _height, _stride, fps, buffers);
    }

    /// <summary>Starts streaming (VIDIOC_STREAMON).</summary>
    public void Start()
    {
        var type = V4l2.BUF_TYPE_VIDEO_CAPTURE;
        Check(_device.Ioctl(V4l2.VIDIOC_STREAMON, &type), V4l2.VIDIOC_STREAMON);
        _streaming = true;
    }

    /// <summary>Waits up to <paramref name="waitMilliseconds"/> for a frame and delivers it to <paramref name="output"/>.</summary>
    public CaptureStep Next(FrameChannel output, int waitMilliseconds, ref long sequence)
    {
        var errno = _device.Poll(waitMilliseconds, out var poll);
        if (errno != 0)
        {
            throw new V4l2Exception(_path, "poll", errno);
        }

        if (poll == PollResult.Timeout)
        {
            return CaptureStep.Timeout;
        }

        if (poll == PollResult.Error)
        {
            throw new CaptureException($"{_path}: poll reported an error or hang-up while streaming (camera unplugged or failed)");
        }

        var buffer = new V4l2Buffer { Type = V4l2.BUF_TYPE_VIDEO_CAPTURE, Memory = V4l2.MEMORY_MMAP };
        errno = _device.Ioctl(V4l2.VIDIOC_DQBUF, &buffer);
        if (errno == Errno.EAGAIN)
        {
            return CaptureStep.Timeout; // woken without a filled buffer
        }

        Check(errno, V4l2.VIDIOC_DQBUF);
        if (buffer.Index >= _buffers.Length)
        {
            throw new CaptureException($"{_path}: VIDIOC_DQBUF returned buffer {buffer.Index}, but only {_buffers.Length} were requested");
        }

        // Convert first, then give the buffer back to the driver, then publish. A failing QBUF (the camera went
        // away) still lets the frame already copied out go through before the error ends the run.
        var frame = Convert(in buffer, output);
        frame?.MarkCaptured(++sequence, DeviceTimestamp(in buffer));
        var requeued = _device.Ioctl(V4l2.VIDIOC_QBUF, &buffer);
        if (frame is null)
        {
            output.ReportError();
        }
        else
        {
            output.TryWrite(frame);
        }

        Check(requeued, V4l2.VIDIOC_QBUF, $"(buffer {buffer.Index})");
        return frame is null ? CaptureStep.Skipped : CaptureStep.Delivered;
    }

    /// <summary>Stops streaming, unmaps and frees the buffers; failures are logged, not thrown.</summary>
    public void Dispose()
    {
        if (_streaming)
        {
            var type = V4l2.BUF_TYPE_VIDEO_CAPTURE;
            Cleanup(_device.Ioctl(V4l2.VIDIOC_STREAMOFF, &type), V4l2.Name(V4l2.VIDIOC_STREAMOFF));
            _streaming = false;
        }

        for (var i = 0; i < _mapped; i++)
        {
            Cleanup(_device.Unmap(_buffers[i].Address, _buffers[i].Length), "munmap");
        }

        _mapped = 0;
        if (_buffersRequested)
        {
            var request = new V4l2RequestBuffers { Count = 0, Type = V4l2.BUF_TYPE_VIDEO_CAPTURE, Memory = V4l2.MEMORY_MMAP };
            Cleanup(_device.Ioctl(V4l2.VIDIOC_REQBUFS, &request), V4l2.Name(V4l2.VIDIOC_REQBUFS));
            _buffersRequested = false;
        }
    }

    private List<uint> EnumerateFormats()
    {
        var formats = new List<uint>();
        for (uint index = 0; index < 64; index++)
        {
            var description = new V4l2FmtDesc { Index = index, Type = V4l2.BUF_TYPE_VIDEO_CAPTURE };
            var errno = _device.Ioctl(V4l2.VIDIOC_ENUM_FMT, &description);
            if (errno == Errno.EINVAL)
            {
                break; // the end of the list
            }

            Check(errno, V4l2.VIDIOC_ENUM_FMT, $"(index {index})");
            formats.Add(description.PixelFormat);
        }

        return formats;
    }

    private List<FrameSizeRange>? EnumerateSizes(uint pixelFormat)
    {
        var sizes = new List<FrameSizeRange>();
        for (uint index = 0; index < 256; index++)
        {
            var size = new V4l2FrmSizeEnum { Index = index, PixelFormat = pixelFormat };
            var errno = _device.Ioctl(V4l2.VIDIOC_ENUM_FRAMESIZES, &size);
            if (errno == Errno.EINVAL)
            {
                break; // the end of the list
            }

            if (errno == Errno.ENOTTY && index == 0)
            {
                return null; // the driver cannot enumerate sizes: ask for the wanted one and let S_FMT adjust it
            }

            Check(errno, V4l2.VIDIOC_ENUM_FRAMESIZES, $"({V4l2.FourCC(pixelFormat)} index {index})");
            if (size.Type == V4l2.FRMSIZE_TYPE_DISCRETE)
            {
                sizes.Add(FrameSizeRange.Discrete((int)size.DiscreteWidth, (int)size.DiscreteHeight));
                continue;
            }

            // Stepwise and continuous ranges come alone, at index 0.
            sizes.Add(new FrameSizeRange((int)size.MinWidth, (int)size.MaxWidth, (int)size.StepWidth, (int)size.MinHeight, (int)size.MaxHeight, (int)size.StepHeight));
            break;
        }

        return sizes;
    }

    private double? SetFrameRate()
    {
        var parameters = new V4l2StreamParm { Type = V4l2.BUF_TYPE_VIDEO_CAPTURE };
        var errno = _device.Ioctl(V4l2.VIDIOC_G_PARM, &parameters);
        if (errno is Errno.ENOTTY or Errno.EINVAL)
        {
            _log.Log(CaptureLogLevel.Information, _name, $"the driver has no frame-rate control (VIDIOC_G_PARM: {Errno.Name(errno)}); using its default rate");
            return null;
        }

        Check(errno, V4l2.VIDIOC_G_PARM);
        if ((parameters.Capability & V4l2.CAP_TIMEPERFRAME) == 0)
        {
            _log.Log(CaptureLogLevel.Information, _name, "the driver does not let the frame rate be set; using its default rate");
            return Rate(parameters);
        }

        (parameters.TimePerFrameNumerator, parameters.TimePerFrameDenominator) = V4l2Negotiation.TimePerFrame(_options.Fps);
        Check(_device.Ioctl(V4l2.VIDIOC_S_PARM, &parameters), V4l2.VIDIOC_S_PARM, $"({_options.Fps:0.##} fps)");
        return Rate(parameters);

        static double? Rate(V4l2StreamParm p) =>
            p.TimePerFrameNumerator == 0 || p.TimePerFrameDenominator == 0 ? null : (double)p.TimePerFrameDenominator / p.TimePerFrameNumerator;
    }

    private int RequestAndMapBuffers()
    {
        var request = new V4l2RequestBuffers { Count = (uint)_options.BufferCount, Type = V4l2.BUF_TYPE_VIDEO_CAPTURE, Memory = V4l2.MEMORY_MMAP };
        Check(_device.Ioctl(V4l2.VIDIOC_REQBUFS, &request), V4l2.VIDIOC_REQBUFS, $"({_options.BufferCount} mmap buffers)");
        _buffersRequested = true;
        if (request.Count < 2 || request.Count > 64)
        {
            throw new CaptureException($"{_path}: VIDIOC_REQBUFS granted {request.Count} buffers; streaming needs 2–64");
        }

        _buffers = new (nint, uint)[request.Count];
        for (uint index = 0; index < request.Count; index++)
        {
            var buffer = new V4l2Buffer { Index = index, Type = V4l2.BUF_TYPE_VIDEO_CAPTURE, Memory = V4l2.MEMORY_MMAP };
            Check(_device.Ioctl(V4l2.VIDIOC_QUERYBUF, &buffer), V4l2.VIDIOC_QUERYBUF, $"(buffer {index})");
            var errno = _device.Map(buffer.Offset, buffer.Length, out var address);
            if (errno != 0)
            {
                throw new V4l2Exception(_path, "mmap", errno, $"(buffer {index}, {buffer.Length} bytes)");
            }

            _buffers[index] = (address, buffer.Length);
            _mapped++;
        }

        for (uint index = 0; index < request.Count; index++)
        {
            var buffer = new V4l2Buffer { Index = index, Type = V4l2.BUF_TYPE_VIDEO_CAPTURE, Memory = V4l2.MEMORY_MMAP };
            Check(_device.Ioctl(V4l2.VIDIOC_QBUF, &buffer), V4l2.VIDIOC_QBUF, $"(buffer {index})");
        }

        return (int)request.Count;
    }

    private Frame? Convert(in V4l2Buffer buffer, FrameChannel output)
    {
        var mapped = _buffers[buffer.Index];
        var data = new ReadOnlySpan<byte>((void*)mapped.Address, (int)Math.Min(buffer.BytesUsed, mapped.Length));
        if ((buffer.Flags & V4l2.BUF_FLAG_ERROR) != 0)
        {
            return Corrupt("the driver flagged the frame as damaged");
        }

        if (_pixelFormat == V4l2.PIX_FMT_YUYV)
        {
            var needed = ((long)_stride * (_height - 1)) + (_width * 2);
            if (data.Length < needed)
            {
                return Corrupt($"short YUYV frame: {data.Length} of {needed} bytes");
            }

            var frame = output.Pool.Rent(_width, _height);
            YuvToRgb.ConvertYuyv(data, _stride, _width, _height, frame.Pixels);
            return frame;
        }

        if (data.IsEmpty)
        {
            return Corrupt("empty MJPEG frame");
        }

        try
        {
            using var image = Image.Load<Rgb24>(MjpegHuffman.WithTables(data, ref _jpegScratch));
            var frame = output.Pool.Rent(image.Width, image.Height);
            image.CopyPixelDataTo(frame.Pixels);
            return frame;
        }
        catch (ImageFormatException ex)
        {
            return Corrupt($"undecodable MJPEG frame ({ex.Message})");
        }
        catch (NotSupportedException ex)
        {
            return Corrupt($"unsupported MJPEG frame ({ex.Message})");
        }
    }

    private Frame? Corrupt(string why)
    {
        var count = Interlocked.Increment(ref _corruptFrames);

        // The first one is worth a warning; a camera with a bad cable can produce thousands.
        var level = count == 1 ? CaptureLogLevel.Warning : CaptureLogLevel.Debug;
        _log.Log(level, _name, $"skipped a frame: {why} ({count} so far)");
        return null;
    }

    private static long? DeviceTimestamp(in V4l2Buffer buffer)
    {
        // Stopwatch on Linux reads CLOCK_MONOTONIC, the clock of V4L2 monotonic timestamps; use the driver's time
        // of capture when it says it is monotonic and it is plausible (not in the future, under a second old).
        if ((buffer.Flags & TimestampMask) != TimestampMonotonic || buffer.TimestampSeconds <= 0)
        {
            return null;
        }

        var ticks = (long)(((buffer.TimestampSeconds * 1_000_000.0) + buffer.TimestampMicroseconds) * (Stopwatch.Frequency / 1_000_000.0));
        var now = Stopwatch.GetTimestamp();
        return ticks <= now && now - ticks < Stopwatch.Frequency ? ticks : null;
    }

    private void Check(int errno, uint request, string? detail = null)
    {
        if (errno != 0)
        {
            throw new V4l2Exception(_path, V4l2.Name(request), errno, detail);
        }
    }

    private void Cleanup(int errno, string operation)
    {
        if (errno != 0)
        {
            // After an unplug every call fails with ENODEV: expected, so quiet.
            var level = errno == Errno.ENODEV ? CaptureLogLevel.Debug : CaptureLogLevel.Warning;
            _log.Log(level, _name, $"{operation} failed while releasing the device: {Errno.Name(errno)} ({Errno.Describe(errno)})");
        }
    }

    private static string Text(byte* bytes, int length)
    {
        var span = new ReadOnlySpan<byte>(bytes, length);
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }
}
