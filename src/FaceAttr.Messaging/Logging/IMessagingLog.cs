namespace FaceAttr.Messaging;

/// <summary>Severity of a messaging log message.</summary>
public enum MessagingLogLevel
{
    /// <summary>Detail for troubleshooting: each reconnect attempt, each command.</summary>
    Debug,

    /// <summary>Normal but notable: connected, disconnected cleanly, broker started.</summary>
    Information,

    /// <summary>Something was dropped, rejected or retried: a lost connection, junk on a command topic.</summary>
    Warning,

    /// <summary>Something failed and needs attention: a command handler threw.</summary>
    Error,
}

/// <summary>
/// Where messaging code writes its log lines. The daemon adapts this to <c>ILogger</c> in one line; the
/// messaging project itself stays free of logging packages (same shape as the capture project's log).
/// </summary>
public interface IMessagingLog
{
    /// <summary>Writes one message. Must not throw and must not block for long (it is called from network callbacks).</summary>
    /// <param name="level">Severity.</param>
    /// <param name="message">One line, complete on its own.</param>
    /// <param name="exception">The cause, if any.</param>
    void Log(MessagingLogLevel level, string message, Exception? exception = null);
}

/// <summary>Discards every message.</summary>
public sealed class NullMessagingLog : IMessagingLog
{
    /// <summary>The shared instance.</summary>
    public static NullMessagingLog Instance { get; } = new();

    private NullMessagingLog()
    {
    }

    /// <inheritdoc/>
    public void Log(MessagingLogLevel level, string message, Exception? exception = null)
    {
    }
}
