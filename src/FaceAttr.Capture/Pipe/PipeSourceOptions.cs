namespace FaceAttr.Capture;

/// <summary>Settings of a <see cref="PipeSource"/> beyond its command.</summary>
public sealed class PipeSourceOptions
{
    /// <summary>Last lines of the child's stderr kept for error messages. Range 1–200; default 12.</summary>
    public int StderrLines { get; set; } = 12;

    /// <summary>How long to wait for the child to exit after its stream ended or it was killed. Range 100 ms – 30 s; default 2 s.</summary>
    public TimeSpan ExitTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (StderrLines is < 1 or > 200)
        {
            throw new ArgumentOutOfRangeException(nameof(StderrLines), StderrLines, "must be 1–200");
        }

        if (ExitTimeout < TimeSpan.FromMilliseconds(100) || ExitTimeout > TimeSpan.FromSeconds(30))
        {
            throw new ArgumentOutOfRangeException(nameof(ExitTimeout), ExitTimeout, "must be 100 ms – 30 s");
        }
    }
}

/// <summary>A child process feeding a <see cref="PipeSource"/> ended, died or wrote a partial frame. The message carries its exit code and the tail of its stderr.</summary>
public sealed class PipeSourceException : CaptureException
{
    /// <summary>Creates the exception.</summary>
    public PipeSourceException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PipeSourceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public PipeSourceException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception with the child's details.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="exitCode">The child's exit code, or null if it had not exited.</param>
    /// <param name="stderrTail">The last lines the child wrote to stderr.</param>
    /// <param name="partialBytes">Bytes of an incomplete last frame (0 when the stream ended on a frame boundary).</param>
    public PipeSourceException(string message, int? exitCode, IReadOnlyList<string> stderrTail, int partialBytes)
        : base(message)
    {
        ExitCode = exitCode;
        StderrTail = stderrTail;
        PartialBytes = partialBytes;
    }

    /// <summary>The child's exit code, or null if it had not exited.</summary>
    public int? ExitCode { get; }

    /// <summary>The last lines the child wrote to stderr.</summary>
    public IReadOnlyList<string> StderrTail { get; } = [];

    /// <summary>Bytes of an incomplete last frame; 0 when the stream ended on a frame boundary.</summary>
    public int PartialBytes { get; }
}
