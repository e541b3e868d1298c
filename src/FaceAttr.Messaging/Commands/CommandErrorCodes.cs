namespace FaceAttr.Messaging;

/// <summary>The <c>error.code</c> values of a command reply (docs/schema/command-reply.schema.json).</summary>
public static class CommandErrorCodes
{
    /// <summary>No handler is registered for the verb, or the verb is not a valid name.</summary>
    public const string UnknownVerb = "unknown_verb";

    /// <summary>The payload is not UTF-8 JSON.</summary>
    public const string InvalidJson = "invalid_json";

    /// <summary>The payload is JSON but not what the verb takes (not an object, missing or wrong fields, too large).</summary>
    public const string InvalidPayload = "invalid_payload";

    /// <summary>The handler threw.</summary>
    public const string HandlerFailed = "handler_failed";

    /// <summary>The handler did not finish within <see cref="MqttOptions.CommandTimeoutSeconds"/>.</summary>
    public const string Timeout = "timeout";

    /// <summary>Too many commands are running; try again later.</summary>
    public const string Busy = "busy";

    /// <summary>The device is shutting down.</summary>
    public const string ShuttingDown = "shutting_down";
}
