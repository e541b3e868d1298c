namespace FaceAttr.Messaging;

/// <summary>A messaging setting is invalid; the message names the key and the allowed values.</summary>
public sealed class MqttOptionsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MqttOptionsException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public MqttOptionsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public MqttOptionsException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception for <paramref name="key"/> (the full configuration key, e.g. <c>FaceAttr:Mqtt:Port</c>).</summary>
    public MqttOptionsException(string key, string message)
        : base(message)
    {
        Key = key;
    }

    /// <summary>The full configuration key of the invalid value, when known.</summary>
    public string? Key { get; }
}
