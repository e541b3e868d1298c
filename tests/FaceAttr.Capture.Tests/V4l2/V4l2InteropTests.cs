using System.Runtime.CompilerServices;

namespace FaceAttr.Capture.Tests.V4l2Tests;

/// <summary>The ABI facts the P/Invoke layer relies on, and the real libc path on this machine (which has no camera).</summary>
public sealed class V4l2InteropTests
{
    private static uint Ioc(uint direction, uint number, int size) => (direction << 30) | ((uint)size << 16) | ('V' << 8) | number;

    [Fact]
    public void StructSizesMatchTheLinux64BitAbi()
    {
        // Sizes from <linux/videodev2.h> compiled for x86-64 (arm64 is identical: both LP64).
        Assert.Equal(104, Unsafe.SizeOf<V4l2Capability>());
        Assert.Equal(64, Unsafe.SizeOf<V4l2FmtDesc>());
        Assert.Equal(44, Unsafe.SizeOf<V4l2FrmSizeEnum>());
        Assert.Equal(208, Unsafe.SizeOf<V4l2Format>());
        Assert.Equal(204, Unsafe.SizeOf<V4l2StreamParm>());
        Assert.Equal(20, Unsafe.SizeOf<V4l2RequestBuffers>());
        Assert.Equal(88, Unsafe.SizeOf<V4l2Buffer>());
    }

    [Fact]
    public void RequestCodesEncodeDirectionNumberAndStructSize()
    {
        const uint Read = 2, Write = 1, ReadWrite = 3;
        Assert.Equal(V4l2.VIDIOC_QUERYCAP, Ioc(Read, 0, Unsafe.SizeOf<V4l2Capability>()));
        Assert.Equal(V4l2.VIDIOC_ENUM_FMT, Ioc(ReadWrite, 2, Unsafe.SizeOf<V4l2FmtDesc>()));
        Assert.Equal(V4l2.VIDIOC_G_FMT, Ioc(ReadWrite, 4, Unsafe.SizeOf<V4l2Format>()));
        Assert.Equal(V4l2.VIDIOC_S_FMT, Ioc(ReadWrite, 5, Unsafe.SizeOf<V4l2Format>()));
        Assert.Equal(V4l2.VIDIOC_REQBUFS, Ioc(ReadWrite, 8, Unsafe.SizeOf<V4l2RequestBuffers>()));
        Assert.Equal(V4l2.VIDIOC_QUERYBUF, Ioc(ReadWrite, 9, Unsafe.SizeOf<V4l2Buffer>()));
        Assert.Equal(V4l2.VIDIOC_QBUF, Ioc(ReadWrite, 15, Unsafe.SizeOf<V4l2Buffer>()));
        Assert.Equal(V4l2.VIDIOC_DQBUF, Ioc(ReadWrite, 17, Unsafe.SizeOf<V4l2Buffer>()));
        Assert.Equal(V4l2.VIDIOC_STREAMON, Ioc(Write, 18, sizeof(int)));
        Assert.Equal(V4l2.VIDIOC_STREAMOFF, Ioc(Write, 19, sizeof(int)));
        Assert.Equal(V4l2.VIDIOC_G_PARM, Ioc(ReadWrite, 21, Unsafe.SizeOf<V4l2StreamParm>()));
        Assert.Equal(V4l2.VIDIOC_S_PARM, Ioc(ReadWrite, 22, Unsafe.SizeOf<V4l2StreamParm>()));
        Assert.Equal(V4l2.VIDIOC_TRY_FMT, Ioc(ReadWrite, 64, Unsafe.SizeOf<V4l2Format>()));
        Assert.Equal(V4l2.VIDIOC_ENUM_FRAMESIZES, Ioc(ReadWrite, 74, Unsafe.SizeOf<V4l2FrmSizeEnum>()));
        Assert.Equal("YUYV", V4l2.FourCC(V4l2.PIX_FMT_YUYV));
        Assert.Equal("MJPG", V4l2.FourCC(V4l2.PIX_FMT_MJPEG));
    }

    [Fact]
    public async Task ARealMissingDeviceNodeIsUnavailableNamingOpenAndEnoent()
    {
        var source = new V4l2Source(new V4l2Options { DevicePath = "/dev/video-faceattr-missing" });
        using var channel = new FrameChannel();
        var error = await Assert.ThrowsAsync<CaptureUnavailableException>(() => source.RunAsync(channel, CancellationToken.None));
        var inner = Assert.IsType<V4l2Exception>(error.InnerException);
        Assert.Equal(("open", Errno.ENOENT, "ENOENT"), (inner.Operation, inner.ErrorNumber, inner.ErrorName));
        Assert.Contains("no such device (camera not connected?)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARealNonVideoFileFailsAtQuerycapWithEnotty()
    {
        // /dev/null opens fine but is no V4L2 device: the first real ioctl through libc must fail, checked and typed.
        var source = new V4l2Source(new V4l2Options { DevicePath = "/dev/null" });
        using var channel = new FrameChannel();
        var error = await Assert.ThrowsAsync<V4l2Exception>(() => source.RunAsync(channel, CancellationToken.None));
        Assert.Equal(("VIDIOC_QUERYCAP", Errno.ENOTTY), (error.Operation, error.ErrorNumber));
        Assert.StartsWith("/dev/null: VIDIOC_QUERYCAP failed: ENOTTY (25, ", error.Message, StringComparison.Ordinal);
    }
}
