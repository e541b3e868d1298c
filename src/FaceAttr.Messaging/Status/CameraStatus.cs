namespace FaceAttr.Messaging;

/// <summary>The frame source part of the status.</summary>
public sealed record CameraStatus
{
    /// <summary>Current state.</summary>
    public required CameraState State { get; init; }

    /// <summary>What the source reads, e.g. <c>v4l2:/dev/video0</c>, <c>pipe:rpicam-vid</c>, <c>images:samples</c>.</summary>
    public string? Source { get; init; }

    /// <summary>Why it is not <see cref="CameraState.Ok"/> (the last error), when it is not.</summary>
    public string? Detail { get; init; }

    /// <summary>How often the source has been restarted since the daemon started.</summary>
    public long Restarts { get; init; }
}
