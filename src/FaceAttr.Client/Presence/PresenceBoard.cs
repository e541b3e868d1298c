using FaceAttr.Core.Events;
using FaceAttr.Core.Faces;
using FaceAttr.Messaging;

namespace FaceAttr.Client;

/// <summary>
/// Who is in front of each device now: apply every <see cref="TrackEvent"/> (enter adds, update merges the changed
/// heads, exit removes) and every <see cref="DeviceStatus"/> (a device going offline takes its people with it).
/// Not thread-safe: feed it from the loop that reads <see cref="FaceAttrClient.Messages"/>.
/// </summary>
public sealed class PresenceBoard
{
    private readonly SortedDictionary<(string Device, long TrackId), PersonView> _people = [];

    /// <summary>People present, by device then track id.</summary>
    public IReadOnlyList<PersonView> People => [.. _people.Values];

    /// <summary>
    /// Applies an event; returns the person as they are now, or null after an exit or a test event (or an update for a person this board
    /// never saw enter, which it then adds).
    /// </summary>
    public PersonView? Apply(TrackEvent trackEvent)
    {
        ArgumentNullException.ThrowIfNull(trackEvent);
        if (trackEvent.Kind == TrackEventKind.Test)
        {
            return null; // an installer's check, not a person
        }

        var key = (trackEvent.Device, trackEvent.TrackId);
        if (trackEvent.Kind == TrackEventKind.Exit)
        {
            _people.Remove(key);
            return null;
        }

        if (trackEvent.Kind == TrackEventKind.Update && _people.TryGetValue(key, out var known))
        {
            var merged = new Dictionary<string, AttributeValue>(known.Attributes, StringComparer.Ordinal);
            foreach (var (head, value) in trackEvent.Attributes)
            {
                merged[head] = value;
            }

            return _people[key] = known with { LastEventAt = trackEvent.Timestamp, DwellSeconds = trackEvent.DwellSeconds, Attributes = merged };
        }

        // Enter, or an update for someone who entered before this board started listening.
        return _people[key] = new PersonView
        {
            Device = trackEvent.Device,
            TrackId = trackEvent.TrackId,
            EnteredAt = trackEvent.Kind == TrackEventKind.Enter ? trackEvent.Timestamp : trackEvent.Timestamp.AddSeconds(-trackEvent.DwellSeconds),
            LastEventAt = trackEvent.Timestamp,
            DwellSeconds = trackEvent.DwellSeconds,
            Attributes = new Dictionary<string, AttributeValue>(trackEvent.Attributes, StringComparer.Ordinal),
        };
    }

    /// <summary>Applies a status: an offline device has nobody in front of it any more. Returns how many people were removed.</summary>
    public int Apply(DeviceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.State != ConnectionState.Offline)
        {
            return 0;
        }

        var gone = _people.Keys.Where(k => k.Device == status.Device).ToList();
        foreach (var key in gone)
        {
            _people.Remove(key);
        }

        return gone.Count;
    }
}
