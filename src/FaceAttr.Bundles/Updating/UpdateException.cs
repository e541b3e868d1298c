namespace FaceAttr.Bundles.Updating;

/// <summary>
/// An update step refused or failed. <see cref="Stage"/> and <see cref="Failure"/> are for machines (MQTT
/// payloads, the deploy tool); the message names the file, key, model or limit for people.
/// </summary>
public sealed class UpdateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UpdateException() : this(UpdateStage.Receive, UpdateFailure.IoError, "update failed") { }

    /// <summary>Creates the exception with a message (stage receive, failure io_error).</summary>
    public UpdateException(string message) : this(UpdateStage.Receive, UpdateFailure.IoError, message) { }

    /// <summary>Creates the exception with a message and cause (stage receive, failure io_error).</summary>
    public UpdateException(string message, Exception inner) : this(UpdateStage.Receive, UpdateFailure.IoError, message, inner) { }

    /// <summary>Creates the exception for a stage and failure code.</summary>
    public UpdateException(UpdateStage stage, UpdateFailure failure, string message, Exception? inner = null)
        : base(message, inner)
    {
        Stage = stage;
        Failure = failure;
    }

    /// <summary>The stage that failed.</summary>
    public UpdateStage Stage { get; }

    /// <summary>The failure code.</summary>
    public UpdateFailure Failure { get; }

    /// <summary>
    /// Wraps an I/O error of <paramref name="stage"/>: ENOSPC (and Windows' disk-full codes) become
    /// <see cref="UpdateFailure.DiskFull"/>, anything else <see cref="UpdateFailure.IoError"/>.
    /// </summary>
    public static UpdateException FromIo(UpdateStage stage, IOException error, string what)
    {
        ArgumentNullException.ThrowIfNull(error);
        var full = IsDiskFull(error);
        return new UpdateException(stage, full ? UpdateFailure.DiskFull : UpdateFailure.IoError,
            $"{what}: {(full ? "disk full: " : string.Empty)}{error.Message}", error);
    }

    /// <summary>Whether an I/O error means the disk is full (ENOSPC = 28 on Linux; ERROR_DISK_FULL/HANDLE_DISK_FULL on Windows).</summary>
    public static bool IsDiskFull(IOException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var code = error.HResult & 0xFFFF;
        return error.HResult == 28 || (OperatingSystem.IsWindows() && code is 39 or 112)
            || error.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase);
    }
}
