namespace FaceAttr.Capture.Tests;

/// <summary>Argument lists of the pipe commands; rpicam-vid and GStreamer cannot run here, so these lists are their test.</summary>
public sealed class PipeCommandsTests
{
    [Fact]
    public void FfmpegImageLoopLoopsPacesAndLetterboxes()
    {
        var command = PipeCommands.FfmpegImageLoop("/photos/sample%d.jpg", 5, 640, 427);
        Assert.Equal("ffmpeg", command.FileName);
        Assert.Equal(
            ["-hide_banner", "-nostdin", "-loglevel", "warning", "-stream_loop", "-1", "-re", "-framerate", "5", "-i", "/photos/sample%d.jpg",
             "-an", "-sn", "-vf", "scale=640:427:force_original_aspect_ratio=decrease,pad=640:427:(ow-iw)/2:(oh-ih)/2,setsar=1",
             "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"],
            command.Arguments);
        Assert.Equal((640, 427, PipePixelFormat.Rgb24, 640 * 427 * 3), (command.Width, command.Height, command.PixelFormat, command.FrameBytes));

        var glob = PipeCommands.FfmpegImageLoop("/photos/*.jpg", 2.5, 320, 240, realtime: false, scale: FfmpegScaleMode.Stretch);
        Assert.Equal(["-stream_loop", "-1", "-framerate", "2.5", "-pattern_type", "glob", "-i", "/photos/*.jpg"], glob.Arguments.Skip(4).Take(8));
        Assert.Contains("scale=320:240,setsar=1", glob.Arguments);
    }

    [Fact]
    public void FfmpegFileAndRtsp()
    {
        var file = PipeCommands.FfmpegFile("/videos/lobby.mp4", 1280, 720, fps: 10);
        Assert.Equal(["-re", "-stream_loop", "-1", "-i", "/videos/lobby.mp4"], file.Arguments.Skip(4).Take(5));
        Assert.Contains("scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,fps=10,setsar=1", file.Arguments);

        var once = PipeCommands.FfmpegFile("/videos/lobby.mp4", 640, 480, loop: false, realtime: false);
        Assert.DoesNotContain("-stream_loop", once.Arguments);
        Assert.DoesNotContain("-re", once.Arguments);

        var rtsp = PipeCommands.FfmpegRtsp(new Uri("rtsp://user:pw@10.0.0.7:554/stream1"), 640, 360, socketTimeout: TimeSpan.FromSeconds(3));
        Assert.Equal(
            ["-rtsp_transport", "tcp", "-timeout", "3000000", "-fflags", "nobuffer", "-flags", "low_delay", "-i", "rtsp://user:pw@10.0.0.7:554/stream1"],
            rtsp.Arguments.Skip(4).Take(10));
        Assert.Throws<ArgumentException>(() => PipeCommands.FfmpegRtsp(new Uri("http://camera/stream"), 640, 360));
    }

    [Fact]
    public void RpicamVidWritesI420ToStdout()
    {
        var command = PipeCommands.RpicamVid(1280, 720, 30, camera: 1);
        Assert.Equal("rpicam-vid", command.FileName);
        Assert.Equal(
            ["--nopreview", "--timeout", "0", "--camera", "1", "--width", "1280", "--height", "720", "--framerate", "30", "--codec", "yuv420", "--flush", "--output", "-"],
            command.Arguments);
        Assert.Equal(PipePixelFormat.I420, command.PixelFormat);
        Assert.Equal(1280 * 720 * 3 / 2, command.FrameBytes);
        Assert.Equal("libcamera-vid", PipeCommands.RpicamVid(640, 480, 15, program: "libcamera-vid").FileName);
        Assert.Throws<ArgumentException>(() => PipeCommands.RpicamVid(641, 480, 15));
    }

    [Fact]
    public void GStreamerArgusPipelineEndsInRgbOnStdout()
    {
        var command = PipeCommands.GStreamerArgus(1280, 720, 29.97, sensorId: 1, flipMethod: 2);
        Assert.Equal("gst-launch-1.0", command.FileName);
        Assert.Equal(
            ["-q", "-e",
             "nvarguscamerasrc", "sensor-id=1", "!",
             "video/x-raw(memory:NVMM),width=1280,height=720,framerate=2997/100,format=NV12", "!",
             "nvvidconv", "flip-method=2", "!",
             "video/x-raw,format=BGRx", "!",
             "videoconvert", "!",
             "video/x-raw,format=RGB,width=1280,height=720", "!",
             "fdsink", "fd=1", "sync=false"],
            command.Arguments);
        Assert.Equal(PipePixelFormat.Rgb24, command.PixelFormat);
        Assert.Equal("30/1", PipeCommands.Fraction(30));
        Assert.Equal("15/2", PipeCommands.Fraction(7.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => PipeCommands.GStreamerArgus(1280, 720, 30, flipMethod: 8));
    }

    [Fact]
    public void CommandsPrintAsACommandLineAndAreValidated()
    {
        var command = new PipeCommand("ffmpeg", ["-i", "my file.mp4", ""], 4, 2);
        Assert.Equal("ffmpeg -i 'my file.mp4' ''", command.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => new PipeSource(new PipeCommand("ffmpeg", [], 1, 2)));
        Assert.Throws<ArgumentException>(() => new PipeSource(new PipeCommand(" ", [], 4, 2)));
        Assert.Throws<ArgumentException>(() => new PipeSource(new PipeCommand("x", [], 4, 3, PipePixelFormat.I420)));
    }
}
