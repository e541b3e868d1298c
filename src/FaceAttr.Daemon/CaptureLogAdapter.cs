using FaceAttr.Capture;
using Microsoft.Extensions.Logging;

namespace FaceAttr.Daemon;

/// <summary>Routes the capture library's log lines (skipped files, negotiated formats, restarts) into the host's logging.</summary>
public sealed partial class CaptureLogAdapter(ILogger<CaptureLogAdapter> logger) : ICaptureLog
{
    /// <inheritdoc />
    public void Log(CaptureLogLevel level, string source, string message, Exception? exception = null) =>
        Write(logger, level switch
        {
            CaptureLogLevel.Debug => LogLevel.Debug,
            CaptureLogLevel.Information => LogLevel.Information,
            CaptureLogLevel.Warning => LogLevel.Warning,
            _ => LogLevel.Error,
        }, source, message, exception);

    [LoggerMessage(Message = "{Source}: {Message}")]
    private static partial void Write(ILogger logger, LogLevel level, string source, string message, Exception? exception);
}
