namespace FaceAttr.Daemon;

/// <summary>Top-level daemon settings, section <c>FaceAttr</c> of appsettings.json, environment (<c>FACEATTR__…</c>) and command line.</summary>
public sealed class DaemonOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "FaceAttr";

    /// <summary>Device id used in MQTT topics and as the client id; default: the host name with other characters turned into '-'. 1–64 chars of [A-Za-z0-9_-].</summary>
    public string DeviceId { get; set; } = new FaceAttr.Messaging.MqttOptions().DeviceId;

    /// <summary>Model bundle folder. Empty: <c>$FACEATTR_MODELS</c>, else <c>artifacts/models/default</c> above the working folder.</summary>
    public string Bundle { get; set; } = string.Empty;

    /// <summary>
    /// Frame source: <c>images</c> (a folder played in a loop), <c>pipe</c> (ffmpeg reading <see cref="PipeInput"/>: a video
    /// file, an image pattern or an RTSP camera), <c>v4l2</c> (a USB camera), <c>rpicam</c> (Raspberry Pi CSI camera through
    /// <c>rpicam-vid</c>) or <c>argus</c> (Jetson CSI camera through GStreamer <c>nvarguscamerasrc</c>).
    /// </summary>
    public string Source { get; set; } = "images";

    /// <summary>For <c>images</c>: the folder; empty means the bundle's <c>samples/</c> photos.</summary>
    public string ImagesPath { get; set; } = string.Empty;

    /// <summary>For <c>images</c>: seconds each image stays in view before the next, so each photo acts like a person standing at the kiosk. Range 0–3600; 0 flips every frame. Default 0.</summary>
    public double ImageHoldSeconds { get; set; }

    /// <summary>For <c>pipe</c>: an input ffmpeg reads (video file, image pattern such as <c>dir/%03d.jpg</c>, or <c>rtsp://…</c>).</summary>
    public string PipeInput { get; set; } = string.Empty;

    /// <summary>For <c>pipe</c> and <c>v4l2</c>: frame width in pixels asked of the child or the camera. Range 64–4096.</summary>
    public int Width { get; set; } = 640;

    /// <summary>For <c>pipe</c> and <c>v4l2</c>: frame height in pixels. Range 64–4096.</summary>
    public int Height { get; set; } = 480;

    /// <summary>For <c>v4l2</c>: the camera device. Default <c>/dev/video0</c>.</summary>
    public string V4l2Device { get; set; } = "/dev/video0";

    /// <summary>For <c>v4l2</c>: pixel format, <c>auto</c> (YUYV when the camera offers the size as closely as MJPEG, else MJPEG), <c>yuyv</c> or <c>mjpeg</c>.</summary>
    public string V4l2Format { get; set; } = "auto";

    /// <summary>For <c>rpicam</c> and <c>argus</c>: which CSI camera (0 or 1 on boards with two connectors). Range 0–7.</summary>
    public int CameraIndex { get; set; }

    /// <summary>
    /// TCP port of the embedded broker the daemon starts when no broker is configured (<c>FaceAttr:Mqtt:Host</c> unset).
    /// Range 0–65535; 0 picks a free port. When the port is taken, a free one is used and logged.
    /// </summary>
    public int EmbeddedBrokerPort { get; set; } = 1883;

    /// <summary>Frames per second the source is asked for. Range 0.1–120; default 5.</summary>
    public double Fps { get; set; } = 5;

    /// <summary>Detector model id. Default <c>blazeface-front</c>: kiosk faces are near and large.</summary>
    public string Detector { get; set; } = "blazeface-front";

    /// <summary>ONNX Runtime intra-op threads per model. Range 1–16; default 1.</summary>
    public int Threads { get; set; } = 1;

    /// <summary>Seconds between stats heartbeats. Range 1–3600; default 10.</summary>
    public double StatsIntervalSeconds { get; set; } = 10;

    /// <summary>Print every event as it arrives back from the broker, one JSON line on stdout (the zero-config demo does).</summary>
    public bool PrintEvents { get; set; } = true;

    /// <summary>Stop after this many frames (0 = run forever); for demos and tests.</summary>
    public long MaxFrames { get; set; }

    /// <summary>Throws <see cref="OptionsException"/> naming the first invalid key and its allowed values.</summary>
    public void Validate()
    {
        if (DeviceId.Length is < 1 or > 64 || !DeviceId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new OptionsException($"{Section}:DeviceId '{DeviceId}' must be 1–64 characters of A–Z, a–z, 0–9, '-' or '_'");
        }

        if (Source is not ("images" or "pipe" or "v4l2" or "rpicam" or "argus"))
        {
            throw new OptionsException($"{Section}:Source '{Source}' must be one of images, pipe, v4l2, rpicam, argus");
        }

        if (Source == "pipe" && PipeInput.Length == 0)
        {
            throw new OptionsException($"{Section}:PipeInput must be set when {Section}:Source is pipe");
        }

        Range(Width, 64, 4096, nameof(Width));
        Range(Height, 64, 4096, nameof(Height));
        if (V4l2Format is not ("auto" or "yuyv" or "mjpeg"))
        {
            throw new OptionsException($"{Section}:V4l2Format '{V4l2Format}' must be one of auto, yuyv, mjpeg");
        }

        if (Source == "v4l2" && !V4l2Device.StartsWith("/dev/", StringComparison.Ordinal))
        {
            throw new OptionsException($"{Section}:V4l2Device '{V4l2Device}' must be a device path under /dev/");
        }

        Range(CameraIndex, 0, 7, nameof(CameraIndex));
        Range(ImageHoldSeconds, 0, 3600, nameof(ImageHoldSeconds));
        Range(EmbeddedBrokerPort, 0, 65535, nameof(EmbeddedBrokerPort));
        Range(Fps, 0.1, 120, nameof(Fps));
        Range(Threads, 1, 16, nameof(Threads));
        Range(StatsIntervalSeconds, 1, 3600, nameof(StatsIntervalSeconds));
        if (MaxFrames < 0)
        {
            throw new OptionsException($"{Section}:MaxFrames {MaxFrames} must be 0 (forever) or positive");
        }
    }

    private static void Range(double value, double min, double max, string key)
    {
        if (!(value >= min && value <= max))
        {
            throw new OptionsException($"{Section}:{key} {value} is outside the allowed range {min}–{max}");
        }
    }
}

/// <summary>A configuration value is invalid; the message names the key and the allowed values.</summary>
public sealed class OptionsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OptionsException() { }

    /// <summary>Creates the exception with a message.</summary>
    public OptionsException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public OptionsException(string message, Exception inner) : base(message, inner) { }
}
