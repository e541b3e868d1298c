using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace FaceAttr.Capture.Tests.V4l2Tests;

/// <summary>What the simulated camera offers.</summary>
internal sealed class SimulatedCamera
{
    public string Driver { get; init; } = "uvcvideo";

    public string Card { get; init; } = "Simulated UVC Camera";

    public uint DeviceCaps { get; init; } = V4l2.CAP_VIDEO_CAPTURE | V4l2.CAP_STREAMING;

    /// <summary>Pixel formats in the order ENUM_FMT lists them, each with its discrete sizes.</summary>
    public List<(uint PixelFormat, (int Width, int Height)[] Sizes)> Formats { get; init; } =
    [
        (V4l2.PIX_FMT_YUYV, [(640, 480), (320, 240), (1280, 720)]),
        (V4l2.PIX_FMT_MJPEG, [(640, 480), (1280, 720), (1920, 1080)]),
    ];

    /// <summary>Frame rates the camera can do; S_PARM picks the nearest.</summary>
    public double[] FrameRates { get; init; } = [30, 15, 5];

    public bool HasFrameRateControl { get; init; } = true;

    public int MaxBuffers { get; init; } = 8;

    /// <summary>Extra bytes per YUYV row (a driver with aligned rows).</summary>
    public int RowPadding { get; init; }

    /// <summary>Send MJPEG frames without their Huffman tables, as many webcams do.</summary>
    public bool MjpegWithoutHuffmanTables { get; init; }

    /// <summary>Pace frames at the negotiated rate; false delivers one whenever a buffer is queued.</summary>
    public bool Realtime { get; init; }
}

/// <summary>
/// A V4L2 device in memory, built like the kernel side: it answers the same ioctls on the same structs from a
/// simulated register set (current format, rate, buffer queue) and kernel-owned buffers handed out through
/// mmap, and streams a test pattern — left half pure red, right half white, in YUYV (BT.601 values) or as
/// MJPEG. It enforces the rules a real vb2 queue enforces (no S_FMT or REQBUFS while buffers exist or stream,
/// no REQBUFS(0) while buffers are mapped, QBUF only of a dequeued buffer) and records every call, so the
/// tests see the state machine's exact sequence. Faults: an errno for a given ioctl, a damaged frame, an unplug.
/// </summary>
internal sealed unsafe class SimulatedV4l2Device : IV4l2Device
{
    /// <summary>Pure red in BT.601 limited range: R=255, G=0, B=0 after conversion.</summary>
    public const byte RedY = 81, RedU = 90, RedV = 240;

    /// <summary>White: 255, 255, 255.</summary>
    public const byte WhiteY = 235, WhiteUV = 128;

    private const uint OffsetCookie = 0x10_0000;

    private readonly SimulatedCamera _camera;
    private readonly Dictionary<uint, (int Errno, int Times)> _faults = [];
    private readonly Queue<int> _queued = new();
    private readonly Lock _lock = new();
    private Buffer[] _buffers = [];
    private uint _pixelFormat;
    private int _width;
    private int _height;
    private uint _tpfNumerator = 1;
    private uint _tpfDenominator = 30;
    private bool _streaming;
    private uint _sequence;
    private long _nextFrameDue;
    private byte[]? _jpeg;
    private int _unplugAfterFrames = -1;
    private int _damagedFrameNumber = -1;

    public SimulatedV4l2Device(string path, SimulatedCamera camera)
    {
        Path = path;
        _camera = camera;
        (_pixelFormat, var sizes) = camera.Formats[0];
        (_width, _height) = sizes[0];
    }

    public string Path { get; }

    /// <summary>Every call in order: ioctl names, poll, mmap, munmap, close.</summary>
    public List<string> Calls { get; } = [];

    public int FramesDelivered { get; private set; }

    public bool Unplugged { get; private set; }

    public bool Closed { get; private set; }

    public int MappedBuffers => _buffers.Count(b => b.Mapped);

    public int AllocatedBuffers => _buffers.Length;

    public (uint PixelFormat, int Width, int Height) CurrentFormat => (_pixelFormat, _width, _height);

    /// <summary>The next <paramref name="times"/> calls of <paramref name="request"/> fail with <paramref name="errno"/>.</summary>
    public void Fail(uint request, int errno, int times = int.MaxValue) => _faults[request] = (errno, times);

    /// <summary>After <paramref name="frames"/> frames, the camera is gone: poll reports POLLERR, ioctls ENODEV.</summary>
    public void UnplugAfter(int frames) => _unplugAfterFrames = frames;

    /// <summary>Called (under the device's lock) when the simulated unplug happens.</summary>
    public Action? OnUnplug { get; set; }

    /// <summary>Frame number <paramref name="frameNumber"/> (1-based) comes back with V4L2_BUF_FLAG_ERROR.</summary>
    public void DamageFrame(int frameNumber) => _damagedFrameNumber = frameNumber;

    public int Ioctl(uint request, void* argument)
    {
        lock (_lock)
        {
            Calls.Add(V4l2.Name(request));
            if (Closed)
            {
                return Errno.EBADF;
            }

            if (Unplugged)
            {
                return Errno.ENODEV;
            }

            if (_faults.TryGetValue(request, out var fault) && fault.Times > 0)
            {
                _faults[request] = (fault.Errno, fault.Times - 1);
                return fault.Errno;
            }

            return request switch
            {
                V4l2.VIDIOC_QUERYCAP => QueryCap((V4l2Capability*)argument),
                V4l2.VIDIOC_ENUM_FMT => EnumFormat((V4l2FmtDesc*)argument),
                V4l2.VIDIOC_ENUM_FRAMESIZES => EnumFrameSizes((V4l2FrmSizeEnum*)argument),
                V4l2.VIDIOC_G_FMT => GetFormat((V4l2Format*)argument),
                V4l2.VIDIOC_S_FMT => SetFormat((V4l2Format*)argument, apply: true),
                V4l2.VIDIOC_TRY_FMT => SetFormat((V4l2Format*)argument, apply: false),
                V4l2.VIDIOC_G_PARM => GetParm((V4l2StreamParm*)argument),
                V4l2.VIDIOC_S_PARM => SetParm((V4l2StreamParm*)argument),
                V4l2.VIDIOC_REQBUFS => RequestBuffers((V4l2RequestBuffers*)argument),
                V4l2.VIDIOC_QUERYBUF => QueryBuffer((V4l2Buffer*)argument),
                V4l2.VIDIOC_QBUF => QueueBuffer((V4l2Buffer*)argument),
                V4l2.VIDIOC_DQBUF => DequeueBuffer((V4l2Buffer*)argument),
                V4l2.VIDIOC_STREAMON => StreamOn(*(uint*)argument),
                V4l2.VIDIOC_STREAMOFF => StreamOff(*(uint*)argument),
                _ => Errno.ENOTTY,
            };
        }
    }

    public int Poll(int timeoutMilliseconds, out PollResult result)
    {
        long waitUntil;
        lock (_lock)
        {
            Calls.Add("poll");
            if (Closed)
            {
                result = PollResult.Error;
                return Errno.EBADF;
            }

            if (Unplugged || !_streaming)
            {
                result = PollResult.Error; // vb2 answers POLLERR when not streaming
                return 0;
            }

            if (_queued.Count > 0 && (!_camera.Realtime || Stopwatch.GetTimestamp() >= _nextFrameDue))
            {
                result = PollResult.Ready;
                return 0;
            }

            waitUntil = _queued.Count > 0 ? _nextFrameDue : 0;
        }

        var remaining = waitUntil == 0 ? TimeSpan.FromMilliseconds(timeoutMilliseconds) : Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), waitUntil);
        var sleep = Math.Clamp(remaining.TotalMilliseconds, 0, timeoutMilliseconds);
        Thread.Sleep(TimeSpan.FromMilliseconds(sleep));
        lock (_lock)
        {
            result = _streaming && _queued.Count > 0 && (!_camera.Realtime || Stopwatch.GetTimestamp() >= _nextFrameDue)
                ? PollResult.Ready
                : PollResult.Timeout;
            return 0;
        }
    }

    public int Map(uint offset, uint length, out nint address)
    {
        lock (_lock)
        {
            Calls.Add("mmap");
            address = 0;
            var index = (int)(offset / OffsetCookie);
            if (offset % OffsetCookie != 0 || index >= _buffers.Length || length > _buffers[index].Length)
            {
                return Errno.EINVAL;
            }

            _buffers[index].Mapped = true;
            address = (nint)_buffers[index].Memory;
            return 0;
        }
    }

    public int Unmap(nint address, uint length)
    {
        lock (_lock)
        {
            Calls.Add("munmap");
            for (var i = 0; i < _buffers.Length; i++)
            {
                if ((nint)_buffers[i].Memory == address && _buffers[i].Mapped)
                {
                    _buffers[i].Mapped = false;
                    return 0;
                }
            }

            return Errno.EINVAL;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            Calls.Add("close");
            Closed = true;

            // Like the kernel, closing releases the queue; memory still mapped would be a leak the tests check for.
            if (MappedBuffers == 0)
            {
                FreeBuffers();
            }
        }
    }

    private int QueryCap(V4l2Capability* cap)
    {
        *cap = default;
        Write(cap->Driver, 16, _camera.Driver);
        Write(cap->Card, 32, _camera.Card);
        Write(cap->BusInfo, 32, "usb-0000:01:00.0-1.1");
        cap->Version = 0x060100;
        cap->DeviceCaps = _camera.DeviceCaps;
        cap->Capabilities = _camera.DeviceCaps | V4l2.CAP_DEVICE_CAPS | 0x00800000 /* META_CAPTURE on the other node */;
        return 0;
    }

    private int EnumFormat(V4l2FmtDesc* desc)
    {
        if (desc->Type != V4l2.BUF_TYPE_VIDEO_CAPTURE || desc->Index >= _camera.Formats.Count)
        {
            return Errno.EINVAL;
        }

        var pixelFormat = _camera.Formats[(int)desc->Index].PixelFormat;
        desc->PixelFormat = pixelFormat;
        desc->Flags = pixelFormat == V4l2.PIX_FMT_MJPEG ? 1u /* COMPRESSED */ : 0;
        Write(desc->Description, 32, pixelFormat == V4l2.PIX_FMT_MJPEG ? "Motion-JPEG" : "YUYV 4:2:2");
        return 0;
    }

    private int EnumFrameSizes(V4l2FrmSizeEnum* size)
    {
        var format = _camera.Formats.FindIndex(f => f.PixelFormat == size->PixelFormat);
        if (format < 0 || size->Index >= _camera.Formats[format].Sizes.Length)
        {
            return Errno.EINVAL;
        }

        var (width, height) = _camera.Formats[format].Sizes[size->Index];
        size->Type = V4l2.FRMSIZE_TYPE_DISCRETE;
        size->DiscreteWidth = (uint)width;
        size->DiscreteHeight = (uint)height;
        return 0;
    }

    private int GetFormat(V4l2Format* format)
    {
        if (format->Type != V4l2.BUF_TYPE_VIDEO_CAPTURE)
        {
            return Errno.EINVAL;
        }

        FillFormat(format, _pixelFormat, _width, _height);
        return 0;
    }

    private int SetFormat(V4l2Format* format, bool apply)
    {
        if (format->Type != V4l2.BUF_TYPE_VIDEO_CAPTURE)
        {
            return Errno.EINVAL;
        }

        if (apply && (_streaming || _buffers.Length > 0))
        {
            return Errno.EBUSY;
        }

        // Like uvcvideo: an unknown format falls back to the first; the size becomes the nearest offered one
        // by uvc_v4l2_try_format's measure (area not shared by the two rectangles).
        var index = _camera.Formats.FindIndex(f => f.PixelFormat == format->PixelFormat);
        var (pixelFormat, sizes) = _camera.Formats[Math.Max(index, 0)];
        long wantedW = format->Width, wantedH = format->Height;
        var (width, height) = sizes.MinBy(s => (wantedW * wantedH) + ((long)s.Width * s.Height) - (2 * Math.Min(wantedW, s.Width) * Math.Min(wantedH, s.Height)));
        FillFormat(format, pixelFormat, width, height);
        if (apply)
        {
            (_pixelFormat, _width, _height) = (pixelFormat, width, height);
            _jpeg = null;
        }

        return 0;
    }

    private void FillFormat(V4l2Format* format, uint pixelFormat, int width, int height)
    {
        format->PixelFormat = pixelFormat;
        format->Width = (uint)width;
        format->Height = (uint)height;
        format->Field = V4l2.FIELD_NONE;
        format->BytesPerLine = pixelFormat == V4l2.PIX_FMT_YUYV ? (uint)((width * 2) + _camera.RowPadding) : 0;
        format->SizeImage = pixelFormat == V4l2.PIX_FMT_YUYV ? format->BytesPerLine * (uint)height : (uint)(width * height * 2);
        format->Colorspace = 8; // V4L2_COLORSPACE_SRGB, as UVC reports
    }

    private int GetParm(V4l2StreamParm* parm)
    {
        if (!_camera.HasFrameRateControl)
        {
            return Errno.ENOTTY;
        }

        if (parm->Type != V4l2.BUF_TYPE_VIDEO_CAPTURE)
        {
            return Errno.EINVAL;
        }

        parm->Capability = V4l2.CAP_TIMEPERFRAME;
        parm->TimePerFrameNumerator = _tpfNumerator;
        parm->TimePerFrameDenominator = _tpfDenominator;
        parm->ReadBuffers = 0;
        return 0;
    }

    private int SetParm(V4l2StreamParm* parm)
    {
        if (!_camera.HasFrameRateControl)
        {
            return Errno.ENOTTY;
        }

        if (parm->Type != V4l2.BUF_TYPE_VIDEO_CAPTURE || parm->TimePerFrameNumerator == 0 || parm->TimePerFrameDenominator == 0)
        {
            return Errno.EINVAL;
        }

        var wanted = (double)parm->TimePerFrameDenominator / parm->TimePerFrameNumerator;
        var rate = _camera.FrameRates.MinBy(r => Math.Abs(r - wanted));
        (_tpfNumerator, _tpfDenominator) = V4l2Negotiation.TimePerFrame(rate);
        return GetParm(parm);
    }

    private int RequestBuffers(V4l2RequestBuffers* request)
    {
        if (request->Type != V4l2.BUF_TYPE_VIDEO_CAPTURE || request->Memory != V4l2.MEMORY_MMAP)
        {
            return Errno.EINVAL;
        }

        if (_streaming || MappedBuffers > 0)
        {
            return Errno.EBUSY; // vb2: buffers in use
        }

        FreeBuffers();
        if (request->Count == 0)
        {
            return 0;
        }

        var count = (int)Math.Clamp(request->Count, 2, (uint)_camera.MaxBuffers);
        var size = _pixelFormat == V4l2.PIX_FMT_YUYV ? (((_width * 2) + _camera.RowPadding) * _height) : _width * _height * 2;
        _buffers = new Buffer[count];
        for (var i = 0; i < count; i++)
        {
            _buffers[i] = new Buffer { Memory = (byte*)NativeMemory.AllocZeroed((nuint)size), Length = (uint)size };
        }

        request->Count = (uint)count;
        request->Capabilities = 1; // V4L2_BUF_CAP_SUPPORTS_MMAP
        return 0;
    }

    private int QueryBuffer(V4l2Buffer* buffer)
    {
        if (buffer->Type != V4l2.BUF_TYPE_VIDEO_CAPTURE || buffer->Index >= _buffers.Length)
        {
            return Errno.EINVAL;
        }

        ref var b = ref _buffers[buffer->Index];
        buffer->Memory = V4l2.MEMORY_MMAP;
        buffer->Offset = buffer->Index * OffsetCookie;
        buffer->Length = b.Length;
        buffer->Flags = (b.Mapped ? V4l2.BUF_FLAG_MAPPED : 0) | (b.Queued ? V4l2.BUF_FLAG_QUEUED : 0);
        return 0;
    }

    private int QueueBuffer(V4l2Buffer* buffer)
    {
        if (buffer->Type != V4l2.BUF_TYPE_VIDEO_CAPTURE || buffer->Memory != V4l2.MEMORY_MMAP || buffer->Index >= _buffers.Length)
        {
            return Errno.EINVAL;
        }

        ref var b = ref _buffers[buffer->Index];
        if (b.Queued)
        {
            return Errno.EINVAL; // already owned by the driver
        }

        b.Queued = true;
        _queued.Enqueue((int)buffer->Index);
        buffer->Flags = V4l2.BUF_FLAG_QUEUED | (b.Mapped ? V4l2.BUF_FLAG_MAPPED : 0);
        return 0;
    }

    private int DequeueBuffer(V4l2Buffer* buffer)
    {
        if (buffer->Type != V4l2.BUF_TYPE_VIDEO_CAPTURE || buffer->Memory != V4l2.MEMORY_MMAP || !_streaming)
        {
            return Errno.EINVAL;
        }

        if (_queued.Count == 0 || (_camera.Realtime && Stopwatch.GetTimestamp() < _nextFrameDue))
        {
            return Errno.EAGAIN; // non-blocking open, nothing filled yet
        }

        var index = _queued.Dequeue();
        ref var b = ref _buffers[index];
        b.Queued = false;
        var bytes = Fill(b.Memory, b.Length);
        FramesDelivered++;
        _nextFrameDue = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * (double)_tpfNumerator / _tpfDenominator);

        var now = Stopwatch.GetElapsedTime(0);
        buffer->Index = (uint)index;
        buffer->BytesUsed = (uint)bytes;
        buffer->Flags = V4l2.BUF_FLAG_MAPPED | V4l2.BUF_FLAG_DONE | 0x2000 /* TIMESTAMP_MONOTONIC */ | (FramesDelivered == _damagedFrameNumber ? V4l2.BUF_FLAG_ERROR : 0);
        buffer->Field = V4l2.FIELD_NONE;
        buffer->TimestampSeconds = (long)now.TotalSeconds;
        buffer->TimestampMicroseconds = now.Microseconds + (now.Milliseconds * 1000L);
        buffer->Sequence = _sequence++;
        buffer->Offset = (uint)index * OffsetCookie;
        buffer->Length = b.Length;
        if (FramesDelivered == _unplugAfterFrames)
        {
            Unplugged = true;
            OnUnplug?.Invoke();
        }

        return 0;
    }

    private int StreamOn(uint type)
    {
        if (type != V4l2.BUF_TYPE_VIDEO_CAPTURE || _buffers.Length == 0)
        {
            return Errno.EINVAL;
        }

        _streaming = true;
        _nextFrameDue = Stopwatch.GetTimestamp();
        return 0;
    }

    private int StreamOff(uint type)
    {
        if (type != V4l2.BUF_TYPE_VIDEO_CAPTURE)
        {
            return Errno.EINVAL;
        }

        // STREAMOFF takes every buffer back from the driver.
        _streaming = false;
        _queued.Clear();
        for (var i = 0; i < _buffers.Length; i++)
        {
            _buffers[i].Queued = false;
        }

        return 0;
    }

    private int Fill(byte* memory, uint length)
    {
        var target = new Span<byte>(memory, (int)length);
        if (_pixelFormat == V4l2.PIX_FMT_YUYV)
        {
            var stride = (_width * 2) + _camera.RowPadding;
            for (var y = 0; y < _height; y++)
            {
                var row = target.Slice(y * stride, _width * 2);
                for (var x = 0; x < _width; x += 2)
                {
                    var red = x < _width / 2;
                    row[x * 2] = red ? RedY : WhiteY;
                    row[(x * 2) + 1] = red ? RedU : WhiteUV;
                    row[(x * 2) + 2] = red ? RedY : WhiteY;
                    row[(x * 2) + 3] = red ? RedV : WhiteUV;
                }
            }

            return stride * _height;
        }

        _jpeg ??= EncodeJpeg(_width, _height, _camera.MjpegWithoutHuffmanTables);
        _jpeg.CopyTo(target);
        return _jpeg.Length;
    }

    /// <summary>The MJPEG test frame: left half red, right half white; optionally with its DHT segments removed.</summary>
    public static byte[] EncodeJpeg(int width, int height, bool stripHuffmanTables)
    {
        using var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    row[x] = x < width / 2 ? new Rgb24(255, 0, 0) : new Rgb24(255, 255, 255);
                }
            }
        });
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, new JpegEncoder { Quality = 90 });
        var jpeg = stream.ToArray();
        return stripHuffmanTables ? StripHuffmanTables(jpeg) : jpeg;
    }

    /// <summary>Removes every DHT segment before the first scan.</summary>
    public static byte[] StripHuffmanTables(byte[] jpeg)
    {
        var output = new List<byte>(jpeg.Length) { jpeg[0], jpeg[1] };
        var i = 2;
        while (jpeg[i + 1] != 0xDA)
        {
            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (jpeg[i + 1] != 0xC4)
            {
                output.AddRange(jpeg.AsSpan(i, 2 + length));
            }

            i += 2 + length;
        }

        output.AddRange(jpeg.AsSpan(i));
        return [.. output];
    }

    private void FreeBuffers()
    {
        foreach (var buffer in _buffers)
        {
            NativeMemory.Free(buffer.Memory);
        }

        _buffers = [];
        _queued.Clear();
    }

    private static void Write(byte* target, int capacity, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var span = new Span<byte>(target, capacity);
        span.Clear();
        bytes.AsSpan(0, Math.Min(bytes.Length, capacity - 1)).CopyTo(span);
    }

    private struct Buffer
    {
        public byte* Memory;
        public uint Length;
        public bool Mapped;
        public bool Queued;
    }
}

/// <summary>Hands out simulated devices; a path can be "unplugged" (open gives ENOENT) and plugged back.</summary>
internal sealed class SimulatedDeviceProvider(SimulatedCamera camera) : IV4l2DeviceProvider
{
    private readonly Lock _lock = new();

    public bool Present { get; set; } = true;

    /// <summary>Called on each new device before it is returned, to inject faults.</summary>
    public Action<SimulatedV4l2Device>? Configure { get; set; }

    public List<SimulatedV4l2Device> Opened { get; } = [];

    public int OpenAttempts { get; private set; }

    public int TryOpen(string path, out IV4l2Device? device)
    {
        lock (_lock)
        {
            OpenAttempts++;
            if (!Present)
            {
                device = null;
                return Errno.ENOENT;
            }

            var simulated = new SimulatedV4l2Device(path, camera);
            Configure?.Invoke(simulated);
            Opened.Add(simulated);
            device = simulated;
            return 0;
        }
    }
}
