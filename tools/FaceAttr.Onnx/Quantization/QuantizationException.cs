namespace FaceAttr.Onnx.Quantization;

/// <summary>A model or calibration set the quantizer cannot work with; the message names what and where.</summary>
public sealed class QuantizationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QuantizationException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public QuantizationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public QuantizationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
