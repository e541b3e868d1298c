using FaceAttr.Core.Events;

namespace FaceAttr.Client;

/// <summary>What <see cref="EventSequence.Check"/> made of an event's <see cref="TrackEvent.Seq"/>.</summary>
public enum SequenceVerdict
{
    /// <summary>The next number (or the first seen from the device, or an event without a number).</summary>
    InOrder,

    /// <summary>Numbers were skipped: events were lost (broker queue overflow, a subscriber that was away without a session).</summary>
    AfterGap,

    /// <summary>A number already seen: a QoS 1 redelivery. The client does not pass it on.</summary>
    Duplicate,
}

/// <summary>
/// Follows each device's event numbers (1, 2, 3… per daemon run) to find lost and repeated events. A daemon restart
/// starts again at 1, which is taken as a new run, not as a repeat. Thread-safe.
/// </summary>
public sealed class EventSequence
{
    private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _missed;
    private long _duplicates;

    /// <summary>Events known to be lost: the sum of every gap.</summary>
    public long Missed => Interlocked.Read(ref _missed);

    /// <summary>Repeated events seen (and held back by the client).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Checks one event of <paramref name="device"/>.</summary>
    public SequenceVerdict Check(string device, TrackEvent trackEvent)
    {
        ArgumentNullException.ThrowIfNull(trackEvent);
        var seq = trackEvent.Seq;
        if (seq <= 0)
        {
            return SequenceVerdict.InOrder; // a publisher that does not number its events
        }

        lock (_gate)
        {
            if (!_last.TryGetValue(device, out var last) || seq == 1)
            {
                _last[device] = seq;
                return SequenceVerdict.InOrder;
            }

            if (seq <= last)
            {
                Interlocked.Increment(ref _duplicates);
                return SequenceVerdict.Duplicate;
            }

            _last[device] = seq;
            if (seq == last + 1)
            {
                return SequenceVerdict.InOrder;
            }

            Interlocked.Add(ref _missed, seq - last - 1);
            return SequenceVerdict.AfterGap;
        }
    }
}
