namespace FaceAttr.Vision.Imaging;

/// <summary>An input image could not be decoded; the message names the file and the reason.</summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImageDecodeException() { }

    /// <summary>Creates the exception with a message.</summary>
    public ImageDecodeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ImageDecodeException(string message, Exception inner) : base(message, inner) { }
}
