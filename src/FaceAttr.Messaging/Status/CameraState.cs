using System.Text.Json.Serialization;

namespace FaceAttr.Messaging;

/// <summary>State of the frame source, as published in the status.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CameraState>))]
public enum CameraState
{
    /// <summary>Opening the source, no frame yet.</summary>
    [JsonStringEnumMemberName("starting")] Starting,

    /// <summary>Frames are arriving.</summary>
    [JsonStringEnumMemberName("ok")] Ok,

    /// <summary>The camera is missing or its process died; the source is being retried with backoff.</summary>
    [JsonStringEnumMemberName("camera_unavailable")] Unavailable,

    /// <summary>The source was stopped on purpose (shutdown, end of a finite input).</summary>
    [JsonStringEnumMemberName("stopped")] Stopped,
}
