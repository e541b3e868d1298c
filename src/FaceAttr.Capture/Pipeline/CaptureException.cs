namespace FaceAttr.Capture;

/// <summary>
/// A frame source failed in a way a restart may cure (a child process died, a camera stalled, a short read).
/// The <see cref="SourceSupervisor"/> restarts the source with backoff and reports the message as the reason.
/// </summary>
public class CaptureException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CaptureException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CaptureException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CaptureException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The source's device or program is not there (no <c>/dev/video0</c>, command not found, device busy, no
/// readable images). The supervisor reports <see cref="SourceStatus.Unavailable"/> and keeps retrying.
/// </summary>
public class CaptureUnavailableException : CaptureException
{
    /// <summary>Creates the exception.</summary>
    public CaptureUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CaptureUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CaptureUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
