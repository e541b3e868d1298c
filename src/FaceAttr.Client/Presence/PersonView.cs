using FaceAttr.Core.Faces;

namespace FaceAttr.Client;

/// <summary>A person in front of a device now, as a <see cref="PresenceBoard"/> pieced together from their events.</summary>
public sealed record PersonView
{
    /// <summary>Device that sees them.</summary>
    public required string Device { get; init; }

    /// <summary>Track id on that device.</summary>
    public required long TrackId { get; init; }

    /// <summary>Timestamp of their enter event.</summary>
    public required DateTimeOffset EnteredAt { get; init; }

    /// <summary>Timestamp of their latest event.</summary>
    public required DateTimeOffset LastEventAt { get; init; }

    /// <summary>Seconds in view, as of the latest event.</summary>
    public double DwellSeconds { get; init; }

    /// <summary>Latest value of every head published for them (updates merged over enter).</summary>
    public required IReadOnlyDictionary<string, AttributeValue> Attributes { get; init; }
}
