namespace FaceAttr.Messaging;

/// <summary>One message on <c>faceattr/{device}/update</c> (docs/schema/update.schema.json): the progress or result of a model update.</summary>
public sealed record UpdateProgress
{
    /// <summary>Payload schema version of the update document.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Schema version of this payload.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Device id.</summary>
    public required string Device { get; init; }

    /// <summary>When this step was reached (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The bundle being installed (its name or version).</summary>
    public required string Bundle { get; init; }

    /// <summary>Step reached.</summary>
    public required UpdateState State { get; init; }

    /// <summary>Fraction done within the step, 0–1, when known.</summary>
    public double? Progress { get; init; }

    /// <summary>Human-readable detail, e.g. why it failed or rolled back.</summary>
    public string? Message { get; init; }

    /// <summary>The request's correlation data as text, echoed so the sender can match results.</summary>
    public string? RequestId { get; init; }

    /// <summary>Version of the bundle being installed (after a rollback: of the one running again).</summary>
    public string? Version { get; init; }

    /// <summary>Version that ran before this step.</summary>
    public string? PreviousVersion { get; init; }

    /// <summary>The A/B slot involved.</summary>
    public string? Slot { get; init; }

    /// <summary>Finer step (receive, verify, extract, check, install, switch, health, commit, rollback).</summary>
    public string? Stage { get; init; }

    /// <summary>Machine-readable reason of a failure or rollback (e.g. <c>unknown_key</c>, <c>unhealthy</c>).</summary>
    public string? Failure { get; init; }
}
