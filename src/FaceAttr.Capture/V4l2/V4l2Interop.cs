using System.Runtime.InteropServices;

namespace FaceAttr.Capture;

// The Linux V4L2 ABI for 64-bit processes (linux-arm64 and linux-x64 share it). Layouts and request codes were
// checked against <linux/videodev2.h> with a C compiler; V4l2InteropTests asserts every size and code.

/// <summary>Request codes, flags and constants of the V4L2 ioctl interface.</summary>
internal static class V4l2
{
    // _IOR('V', 0, struct v4l2_capability) and friends: dir << 30 | size << 16 | 'V' << 8 | nr.
    public const uint VIDIOC_QUERYCAP = 0x80685600;
    public const uint VIDIOC_ENUM_FMT = 0xc0405602;
    public const uint VIDIOC_G_FMT = 0xc0d05604;
    public const uint VIDIOC_S_FMT = 0xc0d05605;
    public const uint VIDIOC_REQBUFS = 0xc0145608;
    public const uint VIDIOC_QUERYBUF = 0xc0585609;
    public const uint VIDIOC_QBUF = 0xc058560f;
    public const uint VIDIOC_DQBUF = 0xc0585611;
    public const uint VIDIOC_STREAMON = 0x40045612;
    public const uint VIDIOC_STREAMOFF = 0x40045613;
    public const uint VIDIOC_G_PARM = 0xc0cc5615;
    public const uint VIDIOC_S_PARM = 0xc0cc5616;
    public const uint VIDIOC_TRY_FMT = 0xc0d05640;
    public const uint VIDIOC_ENUM_FRAMESIZES = 0xc02c564a;

    public const uint BUF_TYPE_VIDEO_CAPTURE = 1;
    public const uint MEMORY_MMAP = 1;
    public const uint FIELD_NONE = 1;

    public const uint CAP_VIDEO_CAPTURE = 0x00000001;
    public const uint CAP_STREAMING = 0x04000000;
    public const uint CAP_DEVICE_CAPS = 0x80000000;
    public const uint CAP_TIMEPERFRAME = 0x1000;

    public const uint BUF_FLAG_MAPPED = 0x1;
    public const uint BUF_FLAG_QUEUED = 0x2;
    public const uint BUF_FLAG_DONE = 0x4;
    public const uint BUF_FLAG_ERROR = 0x40;

    public const uint FRMSIZE_TYPE_DISCRETE = 1;
    public const uint FRMSIZE_TYPE_CONTINUOUS = 2;
    public const uint FRMSIZE_TYPE_STEPWISE = 3;

    public const uint PIX_FMT_YUYV = 0x56595559; // 'YUYV'
    public const uint PIX_FMT_MJPEG = 0x47504a4d; // 'MJPG'

    /// <summary>The ioctl's name for messages, e.g. <c>VIDIOC_S_FMT</c>.</summary>
    public static string Name(uint request) => request switch
    {
        VIDIOC_QUERYCAP => nameof(VIDIOC_QUERYCAP),
        VIDIOC_ENUM_FMT => nameof(VIDIOC_ENUM_FMT),
        VIDIOC_G_FMT => nameof(VIDIOC_G_FMT),
        VIDIOC_S_FMT => nameof(VIDIOC_S_FMT),
        VIDIOC_REQBUFS => nameof(VIDIOC_REQBUFS),
        VIDIOC_QUERYBUF => nameof(VIDIOC_QUERYBUF),
        VIDIOC_QBUF => nameof(VIDIOC_QBUF),
        VIDIOC_DQBUF => nameof(VIDIOC_DQBUF),
        VIDIOC_STREAMON => nameof(VIDIOC_STREAMON),
        VIDIOC_STREAMOFF => nameof(VIDIOC_STREAMOFF),
        VIDIOC_G_PARM => nameof(VIDIOC_G_PARM),
        VIDIOC_S_PARM => nameof(VIDIOC_S_PARM),
        VIDIOC_TRY_FMT => nameof(VIDIOC_TRY_FMT),
        VIDIOC_ENUM_FRAMESIZES => nameof(VIDIOC_ENUM_FRAMESIZES),
        _ => $"ioctl 0x{request:x8}",
    };

    /// <summary>A fourcc as text: 0x56595559 → <c>YUYV</c>.</summary>
    public static string FourCC(uint code) => string.Create(4, code, static (chars, c) =>
    {
        for (var i = 0; i < 4; i++)
        {
            var b = (char)((c >> (8 * i)) & 0xff);
            chars[i] = b is >= ' ' and <= '~' ? b : '?';
        }
    });
}

/// <summary><c>struct v4l2_capability</c> (104 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 104)]
internal unsafe struct V4l2Capability
{
    [FieldOffset(0)] public fixed byte Driver[16];
    [FieldOffset(16)] public fixed byte Card[32];
    [FieldOffset(48)] public fixed byte BusInfo[32];
    [FieldOffset(80)] public uint Version;
    [FieldOffset(84)] public uint Capabilities;
    [FieldOffset(88)] public uint DeviceCaps;
}

/// <summary><c>struct v4l2_fmtdesc</c> (64 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal unsafe struct V4l2FmtDesc
{
    [FieldOffset(0)] public uint Index;
    [FieldOffset(4)] public uint Type;
    [FieldOffset(8)] public uint Flags;
    [FieldOffset(12)] public fixed byte Description[32];
    [FieldOffset(44)] public uint PixelFormat;
    [FieldOffset(48)] public uint MbusCode;
}

/// <summary><c>struct v4l2_frmsizeenum</c> (44 bytes); the discrete and stepwise union members overlap at offset 12.</summary>
[StructLayout(LayoutKind.Explicit, Size = 44)]
internal struct V4l2FrmSizeEnum
{
    [FieldOffset(0)] public uint Index;
    [FieldOffset(4)] public uint PixelFormat;
    [FieldOffset(8)] public uint Type;
    [FieldOffset(12)] public uint DiscreteWidth;
    [FieldOffset(16)] public uint DiscreteHeight;
    [FieldOffset(12)] public uint MinWidth;
    [FieldOffset(16)] public uint MaxWidth;
    [FieldOffset(20)] public uint StepWidth;
    [FieldOffset(24)] public uint MinHeight;
    [FieldOffset(28)] public uint MaxHeight;
    [FieldOffset(32)] public uint StepHeight;
}

/// <summary><c>struct v4l2_format</c> (208 bytes) with the <c>v4l2_pix_format</c> member of its union at offset 8.</summary>
[StructLayout(LayoutKind.Explicit, Size = 208)]
internal struct V4l2Format
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(8)] public uint Width;
    [FieldOffset(12)] public uint Height;
    [FieldOffset(16)] public uint PixelFormat;
    [FieldOffset(20)] public uint Field;
    [FieldOffset(24)] public uint BytesPerLine;
    [FieldOffset(28)] public uint SizeImage;
    [FieldOffset(32)] public uint Colorspace;
    [FieldOffset(36)] public uint Priv;
    [FieldOffset(40)] public uint Flags;
    [FieldOffset(44)] public uint YcbcrEnc;
    [FieldOffset(48)] public uint Quantization;
    [FieldOffset(52)] public uint XferFunc;
}

/// <summary><c>struct v4l2_streamparm</c> (204 bytes) with its <c>v4l2_captureparm</c> member.</summary>
[StructLayout(LayoutKind.Explicit, Size = 204)]
internal struct V4l2StreamParm
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Capability;
    [FieldOffset(8)] public uint CaptureMode;
    [FieldOffset(12)] public uint TimePerFrameNumerator;
    [FieldOffset(16)] public uint TimePerFrameDenominator;
    [FieldOffset(20)] public uint ExtendedMode;
    [FieldOffset(24)] public uint ReadBuffers;
}

/// <summary><c>struct v4l2_requestbuffers</c> (20 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 20)]
internal struct V4l2RequestBuffers
{
    [FieldOffset(0)] public uint Count;
    [FieldOffset(4)] public uint Type;
    [FieldOffset(8)] public uint Memory;
    [FieldOffset(12)] public uint Capabilities;
    [FieldOffset(16)] public byte Flags;
}

/// <summary><c>struct v4l2_buffer</c> (88 bytes on 64-bit: a 16-byte <c>timeval</c> at offset 24, the <c>m</c> union at 64).</summary>
[StructLayout(LayoutKind.Explicit, Size = 88)]
internal struct V4l2Buffer
{
    [FieldOffset(0)] public uint Index;
    [FieldOffset(4)] public uint Type;
    [FieldOffset(8)] public uint BytesUsed;
    [FieldOffset(12)] public uint Flags;
    [FieldOffset(16)] public uint Field;
    [FieldOffset(24)] public long TimestampSeconds;
    [FieldOffset(32)] public long TimestampMicroseconds;
    [FieldOffset(56)] public uint Sequence;
    [FieldOffset(60)] public uint Memory;
    [FieldOffset(64)] public uint Offset;
    [FieldOffset(72)] public uint Length;
}
