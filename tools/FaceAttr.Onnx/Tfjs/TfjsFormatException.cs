namespace FaceAttr.Onnx.Tfjs;

/// <summary>A TF.js model file is missing, malformed, or uses something the importer does not support.</summary>
public sealed class TfjsFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TfjsFormatException() { }

    /// <summary>Creates the exception with a message.</summary>
    public TfjsFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public TfjsFormatException(string message, Exception inner) : base(message, inner) { }
}
