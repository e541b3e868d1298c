namespace FaceAttr.Capture;

/// <summary>The pixel format asked of a V4L2 camera.</summary>
public enum V4l2PixelFormat
{
    /// <summary>YUYV when it offers the requested size as closely as MJPEG does (no decode cost), else MJPEG.</summary>
    Auto,

    /// <summary>Uncompressed YUYV 4:2:2, converted to RGB (BT.601). USB 2 bandwidth limits it to small sizes or low rates.</summary>
    Yuyv,

    /// <summary>Motion JPEG, decoded with ImageSharp. Large sizes at full rate over USB 2; costs CPU to decode.</summary>
    Mjpeg,
}

/// <summary>Settings of a <see cref="V4l2Source"/>.</summary>
public sealed class V4l2Options
{
    /// <summary>The device node. Default <c>/dev/video0</c>. (A UVC camera also creates a metadata node, usually the next number, which cannot capture.)</summary>
    public string DevicePath { get; set; } = "/dev/video0";

    /// <summary>Requested width; the nearest size the camera offers is used. Range 16–8192; default 640.</summary>
    public int Width { get; set; } = 640;

    /// <summary>Requested height; the nearest size the camera offers is used. Range 16–8192; default 480.</summary>
    public int Height { get; set; } = 480;

    /// <summary>Requested frames per second (the driver picks its nearest interval). Range 1–240; default 30.</summary>
    public double Fps { get; set; } = 30;

    /// <summary>Pixel format. Default <see cref="V4l2PixelFormat.Auto"/>.</summary>
    public V4l2PixelFormat PixelFormat { get; set; } = V4l2PixelFormat.Auto;

    /// <summary>Kernel buffers requested for mmap streaming. Range 2–32; default 4.</summary>
    public int BufferCount { get; set; } = 4;

    /// <summary>No frame from a streaming camera for this long ends the run with an error (then the supervisor restarts it). Range 100 ms – 60 s; default 5 s.</summary>
    public TimeSpan FrameTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DevicePath))
        {
            throw new ArgumentException("V4l2Options.DevicePath is required, e.g. /dev/video0", nameof(DevicePath));
        }

        if (Width is < 16 or > 8192)
        {
            throw new ArgumentOutOfRangeException(nameof(Width), Width, "must be 16–8192");
        }

        if (Height is < 16 or > 8192)
        {
            throw new ArgumentOutOfRangeException(nameof(Height), Height, "must be 16–8192");
        }

        if (!(Fps is >= 1 and <= 240))
        {
            throw new ArgumentOutOfRangeException(nameof(Fps), Fps, "must be 1–240");
        }

        if (!Enum.IsDefined(PixelFormat))
        {
            throw new ArgumentOutOfRangeException(nameof(PixelFormat), PixelFormat, "must be Auto, Yuyv or Mjpeg");
        }

        if (BufferCount is < 2 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(BufferCount), BufferCount, "must be 2–32");
        }

        if (FrameTimeout < TimeSpan.FromMilliseconds(100) || FrameTimeout > TimeSpan.FromSeconds(60))
        {
            throw new ArgumentOutOfRangeException(nameof(FrameTimeout), FrameTimeout, "must be 100 ms – 60 s");
        }
    }
}

/// <summary>What a camera agreed to.</summary>
/// <param name="Driver">The kernel driver, e.g. <c>uvcvideo</c>.</param>
/// <param name="Card">The device's name.</param>
/// <param name="PixelFormat">The fourcc, <c>YUYV</c> or <c>MJPG</c>.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="BytesPerLine">Row stride of uncompressed frames (0 for MJPEG).</param>
/// <param name="Fps">Frames per second the driver set, or null when the rate cannot be set.</param>
/// <param name="Buffers">Kernel buffers granted.</param>
public sealed record V4l2NegotiatedFormat(string Driver, string Card, string PixelFormat, int Width, int Height, int BytesPerLine, double? Fps, int Buffers)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Card} ({Driver}): {PixelFormat} {Width}x{Height}{(Fps is { } fps ? $" @ {fps:0.##} fps" : string.Empty)}, {Buffers} buffers";
}
