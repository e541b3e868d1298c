namespace FaceAttr.Tool.Quantize;

/// <summary>A quantize request that cannot be carried out as given (existing output folder, unknown model id, …).</summary>
public sealed class QuantizeRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public QuantizeRequestException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public QuantizeRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public QuantizeRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
