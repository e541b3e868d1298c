namespace FaceAttr.Device;

/// <summary>A device setting is invalid; the message names the full key and the allowed values.</summary>
public sealed class DeviceOptionsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DeviceOptionsException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DeviceOptionsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DeviceOptionsException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception for <paramref name="key"/> (the full configuration key, e.g. <c>FaceAttr:Device:MotionPin</c>).</summary>
    public DeviceOptionsException(string key, string message)
        : base(message)
    {
        Key = key;
    }

    /// <summary>The full configuration key of the invalid value, when known.</summary>
    public string? Key { get; }
}
