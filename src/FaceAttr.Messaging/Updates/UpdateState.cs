using System.Text.Json.Serialization;

namespace FaceAttr.Messaging;

/// <summary>Step of a model update, as published on <c>faceattr/{device}/update</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UpdateState>))]
public enum UpdateState
{
    /// <summary>Fetching the bundle.</summary>
    [JsonStringEnumMemberName("downloading")] Downloading,

    /// <summary>Checking the signature and the manifest.</summary>
    [JsonStringEnumMemberName("verifying")] Verifying,

    /// <summary>Writing the inactive A/B slot.</summary>
    [JsonStringEnumMemberName("installing")] Installing,

    /// <summary>Running the new bundle and checking it works.</summary>
    [JsonStringEnumMemberName("health_check")] HealthCheck,

    /// <summary>The new bundle is active.</summary>
    [JsonStringEnumMemberName("succeeded")] Succeeded,

    /// <summary>The new bundle failed its health check; the previous one is active again.</summary>
    [JsonStringEnumMemberName("rolled_back")] RolledBack,

    /// <summary>The update stopped before installing (bad signature, download error); nothing changed.</summary>
    [JsonStringEnumMemberName("failed")] Failed,
}
