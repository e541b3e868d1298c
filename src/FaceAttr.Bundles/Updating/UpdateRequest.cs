namespace FaceAttr.Bundles.Updating;

/// <summary>What the sender of an update asked for.</summary>
public sealed record UpdateRequest
{
    /// <summary>The request's id (MQTT correlation data as text), echoed in progress and result.</summary>
    public string? RequestId { get; init; }

    /// <summary>Install even if the bundle is older than (or the same version as) the current one.</summary>
    public bool Force { get; init; }
}
