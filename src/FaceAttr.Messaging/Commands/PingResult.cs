namespace FaceAttr.Messaging;

/// <summary>The result of the built-in <c>ping</c> verb.</summary>
public sealed record PingResult
{
    /// <summary>Always true.</summary>
    public bool Pong { get; init; } = true;

    /// <summary>Seconds since the command router was created (about the daemon's uptime).</summary>
    public double UptimeSeconds { get; init; }

    /// <summary>Verbs this device answers.</summary>
    public IReadOnlyList<string> Verbs { get; init; } = [];
}
