namespace FaceAttr.Capture.Tests.V4l2Tests;

public sealed class V4l2NegotiationTests
{
    private static readonly FrameSizeRange[] Webcam =
    [
        FrameSizeRange.Discrete(320, 240), FrameSizeRange.Discrete(640, 480), FrameSizeRange.Discrete(1280, 720), FrameSizeRange.Discrete(1920, 1080),
    ];

    [Theory]
    [InlineData(640, 480, 640, 480)]
    [InlineData(800, 600, 640, 480)]
    [InlineData(1280, 800, 1280, 720)]
    [InlineData(100, 100, 320, 240)]
    [InlineData(4000, 3000, 1920, 1080)]
    public void TheNearestDiscreteSizeWins(int w, int h, int expectedW, int expectedH)
    {
        var nearest = V4l2Negotiation.Nearest(Webcam, w, h)!.Value;
        Assert.Equal((expectedW, expectedH), (nearest.Width, nearest.Height));
    }

    [Fact]
    public void StepwiseRangesAreClampedAndSnapped()
    {
        FrameSizeRange[] stepwise = [new(32, 2592, 16, 32, 1944, 8)];
        Assert.Equal((640, 480), Nearest(stepwise, 640, 480));
        Assert.Equal((640, 480), Nearest(stepwise, 647, 483));
        Assert.Equal((2592, 32), Nearest(stepwise, 4000, 10));
    }

    [Fact]
    public void AutoPrefersYuyvUnlessMjpegIsCloser()
    {
        FrameSizeRange[]? Sizes(uint format) => format == V4l2.PIX_FMT_YUYV
            ? [FrameSizeRange.Discrete(640, 480), FrameSizeRange.Discrete(1280, 720)]
            : [FrameSizeRange.Discrete(640, 480), FrameSizeRange.Discrete(1920, 1080)];
        uint[] both = [V4l2.PIX_FMT_MJPEG, V4l2.PIX_FMT_YUYV];

        Assert.Equal((V4l2.PIX_FMT_YUYV, 640, 480), V4l2Negotiation.Choose(both, Sizes, V4l2PixelFormat.Auto, 640, 480));
        Assert.Equal((V4l2.PIX_FMT_MJPEG, 1920, 1080), V4l2Negotiation.Choose(both, Sizes, V4l2PixelFormat.Auto, 1920, 1080));
        Assert.Equal((V4l2.PIX_FMT_YUYV, 1280, 720), V4l2Negotiation.Choose(both, Sizes, V4l2PixelFormat.Yuyv, 1920, 1080));
        Assert.Equal((V4l2.PIX_FMT_MJPEG, 640, 480), V4l2Negotiation.Choose(both, Sizes, V4l2PixelFormat.Mjpeg, 640, 480));
        Assert.Null(V4l2Negotiation.Choose([0x34363248u /* H264 */], Sizes, V4l2PixelFormat.Auto, 640, 480));

        // A driver that cannot enumerate sizes: ask for the wanted size and let S_FMT adjust it.
        Assert.Equal((V4l2.PIX_FMT_YUYV, 800, 600), V4l2Negotiation.Choose([V4l2.PIX_FMT_YUYV], _ => null, V4l2PixelFormat.Auto, 800, 600));
    }

    [Theory]
    [InlineData(30, 1u, 30u)]
    [InlineData(7.5, 2u, 15u)]
    [InlineData(29.97, 100u, 2997u)]
    [InlineData(1, 1u, 1u)]
    public void FrameRatesBecomeReducedTimePerFrame(double fps, uint numerator, uint denominator) =>
        Assert.Equal((numerator, denominator), V4l2Negotiation.TimePerFrame(fps));

    private static (int, int) Nearest(FrameSizeRange[] sizes, int w, int h)
    {
        var n = V4l2Negotiation.Nearest(sizes, w, h)!.Value;
        return (n.Width, n.Height);
    }
}
