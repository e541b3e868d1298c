namespace FaceAttr.Daemon;

/// <summary>Top-level daemon settings, section <c>FaceAttr</c> of appsettings.json, environment (<c>FACEATTR__…</c>) and command line.</summary>
public sealed class DaemonOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "FaceAttr";

    /// <summary>Device id used in MQTT topics and as the client id; default: the host name. 1–64 chars of [A-Za-z0-9_-].</summary>
    public string DeviceId { get; set; } = Environment.MachineName;

    /// <summary>Model bundle folder. Empty: <c>$FACEATTR_MODELS</c>, else <c>artifacts/models/default</c> above the working folder.</summary>
    public string Bundle { get; set; } = string.Empty;

    /// <summary>Frame source: <c>images</c> (a folder played in a loop), <c>pipe</c> (a child process writing raw RGB) or <c>v4l2</c>.</summary>
    public string Source { get; set; } = "images";

    /// <summary>For <c>images</c>: the folder; empty means the bundle's <c>samples/</c> photos.</summary>
    public string ImagesPath { get; set; } = string.Empty;

    /// <summary>For <c>pipe</c>: an input ffmpeg reads (video file, image pattern such as <c>dir/%03d.jpg</c>, or <c>rtsp://…</c>).</summary>
    public string PipeInput { get; set; } = string.Empty;

    /// <summary>For <c>pipe</c>: frame width and height in pixels the child is asked to produce. Range 64–4096.</summary>
    public int PipeWidth { get; set; } = 640;

    /// <summary>For <c>pipe</c>: frame height in pixels. Range 64–4096.</summary>
    public int PipeHeight { get; set; } = 480;

    /// <summary>Frames per second the source is asked for. Range 0.1–120; default 5.</summary>
    public double Fps { get; set; } = 5;

    /// <summary>Detector model id. Default <c>blazeface-front</c>: kiosk faces are near and large.</summary>
    public string Detector { get; set; } = "blazeface-front";

    /// <summary>ONNX Runtime intra-op threads per model. Range 1–16; default 1.</summary>
    public int Threads { get; set; } = 1;

    /// <summary>Seconds between stats heartbeats. Range 1–3600; default 10.</summary>
    public double StatsIntervalSeconds { get; set; } = 10;

    /// <summary>Print every published event on stdout (the zero-config demo does).</summary>
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

        if (Source is not ("images" or "pipe" or "v4l2"))
        {
            throw new OptionsException($"{Section}:Source '{Source}' must be one of images, pipe, v4l2");
        }

        if (Source == "pipe" && PipeInput.Length == 0)
        {
            throw new OptionsException($"{Section}:PipeInput must be set when {Section}:Source is pipe");
        }

        Range(PipeWidth, 64, 4096, nameof(PipeWidth));
        Range(PipeHeight, 64, 4096, nameof(PipeHeight));
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
