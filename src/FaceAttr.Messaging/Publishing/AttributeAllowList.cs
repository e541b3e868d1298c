using FaceAttr.Core.Events;
using FaceAttr.Core.Faces;

namespace FaceAttr.Messaging;

/// <summary>
/// The per-site attribute allow-list (<see cref="MqttOptions.AllowedAttributes"/>): heads not on the list are removed
/// from an event before it is serialised, so a site that may not publish gender or age never sends them. An empty list
/// allows every head.
/// </summary>
public sealed class AttributeAllowList
{
    private readonly HashSet<string>? _allowed;

    /// <summary>Creates the list; null or empty allows every head.</summary>
    public AttributeAllowList(IEnumerable<string>? allowedHeads)
    {
        var set = allowedHeads is null ? null : new HashSet<string>(allowedHeads, StringComparer.Ordinal);
        _allowed = set is { Count: > 0 } ? set : null;
    }

    /// <summary>The list that allows every head.</summary>
    public static AttributeAllowList AllowAll { get; } = new(null);

    /// <summary>True when every head is allowed.</summary>
    public bool AllowsAll => _allowed is null;

    /// <summary>True when <paramref name="head"/> may be published.</summary>
    public bool IsAllowed(string head) => _allowed is null || _allowed.Contains(head);

    /// <summary>
    /// The event with disallowed heads removed; the same instance when nothing had to go. A head is removed when either
    /// its dictionary key or its <see cref="AttributeValue.Head"/> is not allowed.
    /// </summary>
    /// <param name="trackEvent">The event as the tracker produced it.</param>
    /// <param name="removed">How many attributes were removed.</param>
    public TrackEvent Apply(TrackEvent trackEvent, out int removed)
    {
        ArgumentNullException.ThrowIfNull(trackEvent);
        removed = 0;
        if (_allowed is null)
        {
            return trackEvent;
        }

        foreach (var (key, value) in trackEvent.Attributes)
        {
            if (!IsAllowed(key) || !IsAllowed(value.Head))
            {
                removed++;
            }
        }

        if (removed == 0)
        {
            return trackEvent;
        }

        var kept = new Dictionary<string, AttributeValue>(trackEvent.Attributes.Count - removed, StringComparer.Ordinal);
        foreach (var (key, value) in trackEvent.Attributes)
        {
            if (IsAllowed(key) && IsAllowed(value.Head))
            {
                kept[key] = value;
            }
        }

        return trackEvent with { Attributes = kept };
    }
}
