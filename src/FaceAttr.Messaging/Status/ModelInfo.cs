namespace FaceAttr.Messaging;

/// <summary>One loaded model, as listed in the status so operators can see what a device runs.</summary>
public sealed record ModelInfo
{
    /// <summary>Model id from the bundle manifest.</summary>
    public required string Id { get; init; }

    /// <summary>Role: detector, landmarks or attributes.</summary>
    public string? Role { get; init; }

    /// <summary>SHA-256 of the model file, 64 lowercase hex digits.</summary>
    public required string Sha256 { get; init; }
}
