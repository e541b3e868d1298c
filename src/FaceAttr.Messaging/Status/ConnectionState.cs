using System.Text.Json.Serialization;

namespace FaceAttr.Messaging;

/// <summary>Whether a device is connected, as published in its retained status.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConnectionState>))]
public enum ConnectionState
{
    /// <summary>Connected and publishing.</summary>
    [JsonStringEnumMemberName("online")] Online,

    /// <summary>Shut down cleanly, or (as the last will) its connection was lost.</summary>
    [JsonStringEnumMemberName("offline")] Offline,
}
