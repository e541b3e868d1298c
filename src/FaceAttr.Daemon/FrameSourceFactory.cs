using FaceAttr.Capture;

namespace FaceAttr.Daemon;

/// <summary>Builds the configured frame source (<see cref="DaemonOptions.Source"/>); the options were validated at start.</summary>
public static class FrameSourceFactory
{
    /// <summary>Creates the source; nothing is opened until the supervisor runs it.</summary>
    /// <param name="options">Validated daemon options.</param>
    /// <param name="bundle">The bundle folder (its <c>samples/</c> are the default demo images).</param>
    /// <param name="log">Where the source logs.</param>
    public static IFrameSource Create(DaemonOptions options, string bundle, ICaptureLog log)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Source switch
        {
            "images" => new ImageFolderSource(new ImageFolderOptions
            {
                Path = options.ImagesPath.Length > 0 ? options.ImagesPath : Path.Combine(bundle, "samples"),
                Fps = options.Fps,
                FramesPerImage = Math.Max(1, (int)Math.Round(options.ImageHoldSeconds * options.Fps)),
                MaxWidth = 1280,
            }, log),
            "pipe" => new PipeSource(FfmpegCommand(options), log: log),
            "rpicam" => new PipeSource(PipeCommands.RpicamVid(options.Width, options.Height, options.Fps, options.CameraIndex), log: log),
            "argus" => new PipeSource(PipeCommands.GStreamerArgus(options.Width, options.Height, options.Fps, options.CameraIndex), log: log),
            "v4l2" => new V4l2Source(new V4l2Options
            {
                DevicePath = options.V4l2Device,
                Width = options.Width,
                Height = options.Height,
                Fps = options.Fps,
                PixelFormat = options.V4l2Format switch
                {
                    "yuyv" => V4l2PixelFormat.Yuyv,
                    "mjpeg" => V4l2PixelFormat.Mjpeg,
                    _ => V4l2PixelFormat.Auto,
                },
            }, log),
            _ => throw new OptionsException($"{DaemonOptions.Section}:Source '{options.Source}' must be one of images, pipe, v4l2, rpicam, argus"),
        };
    }

    private static PipeCommand FfmpegCommand(DaemonOptions options)
    {
        var input = options.PipeInput;
        if (input.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase) || input.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase))
        {
            return PipeCommands.FfmpegRtsp(new Uri(input), options.Width, options.Height, options.Fps);
        }

        // A printf pattern (dir/%03d.jpg) or a glob is an image sequence; anything else is a video file ffmpeg plays in a loop.
        return input.Contains('%', StringComparison.Ordinal) || input.Contains('*', StringComparison.Ordinal)
            ? PipeCommands.FfmpegImageLoop(input, options.Fps, options.Width, options.Height)
            : PipeCommands.FfmpegFile(input, options.Width, options.Height, options.Fps);
    }
}
