namespace FaceAttr.Capture;

/// <summary>Where a supervised frame source is in its life, for the status topic.</summary>
public enum SourceStatus
{
    /// <summary>Opening the device or starting the process; no frame yet.</summary>
    Starting,

    /// <summary>Frames are arriving.</summary>
    Running,

    /// <summary>The source failed, stalled or ended and will be started again after a backoff.</summary>
    Restarting,

    /// <summary>The device or program is missing (no camera, command not found, device busy); retried with backoff. Stays until a frame arrives.</summary>
    Unavailable,

    /// <summary>The supervisor was stopped.</summary>
    Stopped,
}

/// <summary>A snapshot of a supervised source.</summary>
/// <param name="Source">The source's name.</param>
/// <param name="Status">What it is doing.</param>
/// <param name="Reason">Why it is restarting or unavailable: the last error, with the child's stderr tail where there is one; null while starting or running.</param>
/// <param name="Restarts">Restarts so far.</param>
/// <param name="Since">When this status began (UTC).</param>
/// <param name="NextAttempt">When the next start is due, while restarting or unavailable.</param>
public sealed record SourceState(string Source, SourceStatus Status, string? Reason, long Restarts, DateTimeOffset Since, DateTimeOffset? NextAttempt);
