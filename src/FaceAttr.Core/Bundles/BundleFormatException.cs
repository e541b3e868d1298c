namespace FaceAttr.Core.Bundles;

/// <summary>A bundle or manifest breaks the contract; the message names the file and the rule.</summary>
public sealed class BundleFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BundleFormatException() { }

    /// <summary>Creates the exception with a message.</summary>
    public BundleFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BundleFormatException(string message, Exception inner) : base(message, inner) { }
}
