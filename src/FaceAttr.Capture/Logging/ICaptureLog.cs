namespace FaceAttr.Capture;

/// <summary>Severity of a capture log message.</summary>
public enum CaptureLogLevel
{
    /// <summary>Detail for troubleshooting.</summary>
    Debug,

    /// <summary>Normal but notable: a format negotiated, a source started.</summary>
    Information,

    /// <summary>Something was skipped or retried: a corrupt file, a restart.</summary>
    Warning,

    /// <summary>Something failed and needs attention.</summary>
    Error,
}

/// <summary>
/// Where capture code writes its log lines. The daemon adapts this to <c>ILogger</c> in one line; the capture
/// project itself stays free of logging packages.
/// </summary>
public interface ICaptureLog
{
    /// <summary>Writes one message.</summary>
    /// <param name="level">Severity.</param>
    /// <param name="source">The frame source's name (<see cref="IFrameSource.Name"/>).</param>
    /// <param name="message">One line, complete on its own.</param>
    /// <param name="exception">The cause, if any.</param>
    void Log(CaptureLogLevel level, string source, string message, Exception? exception = null);
}

/// <summary>Discards every message.</summary>
public sealed class NullCaptureLog : ICaptureLog
{
    /// <summary>The shared instance.</summary>
    public static NullCaptureLog Instance { get; } = new();

    private NullCaptureLog()
    {
    }

    /// <inheritdoc/>
    public void Log(CaptureLogLevel level, string source, string message, Exception? exception = null)
    {
    }
}
