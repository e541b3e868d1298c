using System.Globalization;

namespace FaceAttr.Capture;

/// <summary>How ffmpeg fits a picture of another shape into the requested frame size.</summary>
public enum FfmpegScaleMode
{
    /// <summary>Scale to fit inside, keep the aspect ratio, pad with black (faces keep their shape). Default.</summary>
    Letterbox,

    /// <summary>Scale to exactly the frame size, distorting the aspect ratio if it differs.</summary>
    Stretch,
}

/// <summary>
/// Builds <see cref="PipeCommand"/>s for the programs FaceAttr reads cameras through: <c>ffmpeg</c> (files,
/// RTSP cameras, looped image sequences), <c>rpicam-vid</c> (Raspberry Pi CSI cameras) and
/// <c>gst-launch-1.0</c> with <c>nvarguscamerasrc</c> (Jetson CSI cameras). Every command writes raw frames
/// of exactly the requested size to stdout and its diagnostics to stderr.
/// </summary>
public static class PipeCommands
{
    /// <summary>ffmpeg reading a video file (looped by default) or any input ffmpeg understands.</summary>
    /// <param name="input">The file path or URL given to <c>-i</c>.</param>
    /// <param name="width">Output width.</param>
    /// <param name="height">Output height.</param>
    /// <param name="fps">Output rate (frames dropped or repeated to match); null keeps the input rate.</param>
    /// <param name="loop">Play the input again at its end (<c>-stream_loop -1</c>).</param>
    /// <param name="realtime">Read at the input's native rate (<c>-re</c>) instead of as fast as possible.</param>
    /// <param name="scale">How a picture of another shape is fitted.</param>
    /// <param name="ffmpeg">The ffmpeg program.</param>
    public static PipeCommand FfmpegFile(string input, int width, int height, double? fps = null, bool loop = true, bool realtime = true, FfmpegScaleMode scale = FfmpegScaleMode.Letterbox, string ffmpeg = "ffmpeg")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(input);
        var args = FfmpegHead();
        if (realtime)
        {
            args.Add("-re");
        }

        if (loop)
        {
            args.AddRange(["-stream_loop", "-1"]);
        }

        args.AddRange(["-i", input]);
        return FfmpegTail(ffmpeg, args, width, height, fps, scale);
    }

    /// <summary>ffmpeg reading an RTSP camera over TCP with low-latency flags and a socket timeout, so a dead camera ends the process (and the supervisor retries).</summary>
    /// <param name="url">The <c>rtsp://</c> URL (credentials in it are passed to ffmpeg only).</param>
    /// <param name="width">Output width.</param>
    /// <param name="height">Output height.</param>
    /// <param name="fps">Output rate; null keeps the camera's.</param>
    /// <param name="socketTimeout">ffmpeg gives up on a silent camera after this (<c>-timeout</c>, microseconds); default 5 s.</param>
    /// <param name="scale">How a picture of another shape is fitted.</param>
    /// <param name="ffmpeg">The ffmpeg program.</param>
    public static PipeCommand FfmpegRtsp(Uri url, int width, int height, double? fps = null, TimeSpan? socketTimeout = null, FfmpegScaleMode scale = FfmpegScaleMode.Letterbox, string ffmpeg = "ffmpeg")
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme is not ("rtsp" or "rtsps"))
        {
            throw new ArgumentException($"expected an rtsp:// or rtsps:// URL, got {url.Scheme}://", nameof(url));
        }

        var timeout = (long)(socketTimeout ?? TimeSpan.FromSeconds(5)).TotalMicroseconds;
        var args = FfmpegHead();
        args.AddRange([
            "-rtsp_transport", "tcp",
            "-timeout", timeout.ToString(CultureInfo.InvariantCulture),
            "-fflags", "nobuffer",
            "-flags", "low_delay",
            "-i", url.OriginalString,
        ]);
        return FfmpegTail(ffmpeg, args, width, height, fps, scale);
    }

    /// <summary>
    /// ffmpeg playing a numbered or glob image sequence in an endless loop at <paramref name="fps"/>:
    /// <c>-stream_loop -1 [-re] -framerate F [-pattern_type glob] -i pattern</c>. Images may differ in size; each
    /// is fitted to the frame size.
    /// </summary>
    /// <param name="pattern">A printf pattern (<c>/photos/sample%d.jpg</c>, numbers starting at 0–4) or a glob (<c>/photos/*.jpg</c>).</param>
    /// <param name="fps">Images per second. Range 0.1–1000.</param>
    /// <param name="width">Output width.</param>
    /// <param name="height">Output height.</param>
    /// <param name="realtime">Pace at <paramref name="fps"/> (<c>-re</c>); false produces frames as fast as ffmpeg can.</param>
    /// <param name="scale">How a picture of another shape is fitted.</param>
    /// <param name="ffmpeg">The ffmpeg program.</param>
    public static PipeCommand FfmpegImageLoop(string pattern, double fps, int width, int height, bool realtime = true, FfmpegScaleMode scale = FfmpegScaleMode.Letterbox, string ffmpeg = "ffmpeg")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (!(fps is >= 0.1 and <= 1000))
        {
            throw new ArgumentOutOfRangeException(nameof(fps), fps, "must be 0.1–1000");
        }

        var args = FfmpegHead();
        args.AddRange(["-stream_loop", "-1"]);
        if (realtime)
        {
            args.Add("-re");
        }

        args.AddRange(["-framerate", Number(fps)]);
        if (pattern.Contains('*', StringComparison.Ordinal) || pattern.Contains('?', StringComparison.Ordinal))
        {
            args.AddRange(["-pattern_type", "glob"]);
        }

        args.AddRange(["-i", pattern]);
        return FfmpegTail(ffmpeg, args, width, height, null, scale);
    }

    /// <summary>
    /// <c>rpicam-vid</c> streaming a Raspberry Pi CSI camera as raw I420 on stdout (converted to RGB in
    /// <see cref="PipeSource"/>, which is cheaper on a Pi than a second process). Prefer a width that is a
    /// multiple of 64 (640, 1280) so no row padding can occur. Not runnable on the build machine: its argument
    /// list is unit-tested only.
    /// </summary>
    /// <param name="width">Frame width (even).</param>
    /// <param name="height">Frame height (even).</param>
    /// <param name="fps">Frames per second.</param>
    /// <param name="camera">Camera index for boards with two (<c>--camera</c>).</param>
    /// <param name="program">The program; <c>libcamera-vid</c> on older Raspberry Pi OS.</param>
    public static PipeCommand RpicamVid(int width, int height, double fps, int camera = 0, string program = "rpicam-vid")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(camera);
        return Checked(new PipeCommand(
            program,
            [
                "--nopreview",
                "--timeout", "0",
                "--camera", camera.ToString(CultureInfo.InvariantCulture),
                "--width", width.ToString(CultureInfo.InvariantCulture),
                "--height", height.ToString(CultureInfo.InvariantCulture),
                "--framerate", Number(fps),
                "--codec", "yuv420",
                "--flush",
                "--output", "-",
            ],
            width,
            height,
            PipePixelFormat.I420));
    }

    /// <summary>
    /// <c>gst-launch-1.0</c> streaming a Jetson CSI camera: <c>nvarguscamerasrc ! NVMM NV12 ! nvvidconv ! BGRx !
    /// videoconvert ! RGB ! fdsink</c>. <c>-q</c> keeps gst-launch's own messages off stdout (they would corrupt
    /// the frames); <c>-e</c> sends end-of-stream on shutdown so the Argus camera is released cleanly. Not
    /// runnable on the build machine: its argument list is unit-tested only.
    /// </summary>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="fps">Frames per second (as a fraction for the caps).</param>
    /// <param name="sensorId">Argus sensor id (<c>sensor-id</c>).</param>
    /// <param name="flipMethod">nvvidconv <c>flip-method</c> 0–7 (2 = rotate 180°).</param>
    /// <param name="program">The program.</param>
    public static PipeCommand GStreamerArgus(int width, int height, double fps, int sensorId = 0, int flipMethod = 0, string program = "gst-launch-1.0")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sensorId);
        if (flipMethod is < 0 or > 7)
        {
            throw new ArgumentOutOfRangeException(nameof(flipMethod), flipMethod, "must be 0–7");
        }

        var w = width.ToString(CultureInfo.InvariantCulture);
        var h = height.ToString(CultureInfo.InvariantCulture);
        return Checked(new PipeCommand(
            program,
            [
                "-q", "-e",
                "nvarguscamerasrc", $"sensor-id={sensorId.ToString(CultureInfo.InvariantCulture)}", "!",
                $"video/x-raw(memory:NVMM),width={w},height={h},framerate={Fraction(fps)},format=NV12", "!",
                "nvvidconv", $"flip-method={flipMethod.ToString(CultureInfo.InvariantCulture)}", "!",
                "video/x-raw,format=BGRx", "!",
                "videoconvert", "!",
                $"video/x-raw,format=RGB,width={w},height={h}", "!",
                "fdsink", "fd=1", "sync=false",
            ],
            width,
            height));
    }

    /// <summary><paramref name="fps"/> as a reduced fraction for GStreamer caps, e.g. 30 → <c>30/1</c>, 7.5 → <c>15/2</c>, 29.97 → <c>2997/100</c>.</summary>
    public static string Fraction(double fps)
    {
        if (!(fps is >= 0.1 and <= 1000))
        {
            throw new ArgumentOutOfRangeException(nameof(fps), fps, "must be 0.1–1000");
        }

        long numerator = (long)Math.Round(fps * 1000);
        long denominator = 1000;
        var divisor = Gcd(numerator, denominator);
        return string.Create(CultureInfo.InvariantCulture, $"{numerator / divisor}/{denominator / divisor}");
    }

    private static List<string> FfmpegHead() => ["-hide_banner", "-nostdin", "-loglevel", "warning"];

    private static PipeCommand FfmpegTail(string ffmpeg, List<string> args, int width, int height, double? fps, FfmpegScaleMode scale)
    {
        var w = width.ToString(CultureInfo.InvariantCulture);
        var h = height.ToString(CultureInfo.InvariantCulture);
        var filter = scale == FfmpegScaleMode.Stretch
            ? $"scale={w}:{h}"
            : $"scale={w}:{h}:force_original_aspect_ratio=decrease,pad={w}:{h}:(ow-iw)/2:(oh-ih)/2";
        if (fps is { } rate)
        {
            if (!(rate is >= 0.1 and <= 1000))
            {
                throw new ArgumentOutOfRangeException(nameof(fps), rate, "must be 0.1–1000");
            }

            filter += $",fps={Number(rate)}";
        }

        args.AddRange(["-an", "-sn", "-vf", filter + ",setsar=1", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"]);
        return Checked(new PipeCommand(ffmpeg, args, width, height));
    }

    private static PipeCommand Checked(PipeCommand command)
    {
        command.Validate();
        return command;
    }

    private static string Number(double value)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "must be a positive number");
        }

        return value.ToString("0.###", CultureInfo.InvariantCulture);
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return Math.Max(a, 1);
    }
}
