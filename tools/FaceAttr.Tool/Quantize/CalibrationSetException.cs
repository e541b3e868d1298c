namespace FaceAttr.Tool.Quantize;

/// <summary>A calibration folder that gives nothing to calibrate on (the message names the folder and why).</summary>
public sealed class CalibrationSetException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CalibrationSetException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CalibrationSetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CalibrationSetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
