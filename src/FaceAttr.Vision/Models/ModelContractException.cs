namespace FaceAttr.Vision.Models;

/// <summary>An ONNX model does not match what its manifest entry says; the message names the mismatch.</summary>
public sealed class ModelContractException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelContractException() { }

    /// <summary>Creates the exception with a message.</summary>
    public ModelContractException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ModelContractException(string message, Exception inner) : base(message, inner) { }
}
