using FaceAttr.Messaging;
using Microsoft.Extensions.Logging;

namespace FaceAttr.Daemon;

/// <summary>Routes the messaging library's log lines (connects, drops, junk commands) into the host's logging.</summary>
public sealed partial class MessagingLogAdapter(ILogger<MessagingLogAdapter> logger) : IMessagingLog
{
    /// <inheritdoc />
    public void Log(MessagingLogLevel level, string message, Exception? exception = null) =>
        Write(logger, level switch
        {
            MessagingLogLevel.Debug => LogLevel.Debug,
            MessagingLogLevel.Information => LogLevel.Information,
            MessagingLogLevel.Warning => LogLevel.Warning,
            _ => LogLevel.Error,
        }, message, exception);

    [LoggerMessage(Message = "mqtt: {Message}")]
    private static partial void Write(ILogger logger, LogLevel level, string message, Exception? exception);
}
