namespace FaceAttr.Training.Export;

/// <summary>
/// Networks asked to be averaged into one model cannot be: they see different face crops (input size, crop scale) or
/// answer different attributes. The message names the difference. A user's mistake, not a bug, so the CLI reports it
/// and exits without writing anything.
/// </summary>
public sealed class IncompatibleNetworksException : Exception
{
    /// <summary>Creates the exception.</summary>
    public IncompatibleNetworksException() { }

    /// <summary>Creates the exception with a message.</summary>
    public IncompatibleNetworksException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public IncompatibleNetworksException(string message, Exception inner) : base(message, inner) { }
}
