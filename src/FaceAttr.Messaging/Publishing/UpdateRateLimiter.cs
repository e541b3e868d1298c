using FaceAttr.Core.Events;
using FaceAttr.Core.Faces;

namespace FaceAttr.Messaging;

/// <summary>
/// At most one <c>update</c> per track per interval (<see cref="MqttOptions.UpdateMinIntervalSeconds"/>). An update that
/// comes too soon is not lost: it is merged into a pending one (later attribute values win; box, pose, quality,
/// timestamp and dwell are the latest) that <see cref="TakeDue"/> releases when the interval has passed. <c>enter</c> and
/// <c>exit</c> always pass; an exit discards the track's pending update because it carries the final values.
/// Thread-safe; time is passed in, so tests need no clock.
/// </summary>
public sealed class UpdateRateLimiter
{
    /// <summary>Most tracks remembered; beyond it the longest-quiet track is forgotten (a tracker that never sends exit).</summary>
    public const int MaxTracks = 4096;

    private readonly TimeSpan _interval;
    private readonly Dictionary<long, TrackState> _tracks = [];
    private readonly Lock _gate = new();
    private long _coalesced;

    /// <summary>Creates the limiter; <see cref="TimeSpan.Zero"/> lets every update through.</summary>
    public UpdateRateLimiter(TimeSpan minInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minInterval, TimeSpan.Zero);
        _interval = minInterval;
    }

    /// <summary>Held updates absorbed into a later update or into the track's exit, so far (each saved one message).</summary>
    public long Coalesced => Interlocked.Read(ref _coalesced);

    /// <summary>Tracks with an update waiting for its interval.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _tracks.Values.Count(t => t.Pending is not null);
            }
        }
    }

    /// <summary>
    /// Offers an event at time <paramref name="now"/>; returns the event to publish now (possibly merged with a pending
    /// update), or null when it was held back to be released by <see cref="TakeDue"/>.
    /// </summary>
    public TrackEvent? Offer(TrackEvent trackEvent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(trackEvent);
        if (_interval == TimeSpan.Zero)
        {
            return trackEvent;
        }

        lock (_gate)
        {
            switch (trackEvent.Kind)
            {
                case TrackEventKind.Enter:
                    Remember(trackEvent.TrackId, now);
                    return trackEvent;
                case TrackEventKind.Exit:
                    if (_tracks.Remove(trackEvent.TrackId, out var ended) && ended.Pending is not null)
                    {
                        Interlocked.Increment(ref _coalesced);
                    }

                    return trackEvent;
                default:
                    break;
            }

            if (!_tracks.TryGetValue(trackEvent.TrackId, out var state))
            {
                Remember(trackEvent.TrackId, now);
                return trackEvent;
            }

            var merged = trackEvent;
            if (state.Pending is not null)
            {
                merged = Merge(state.Pending, trackEvent);
                Interlocked.Increment(ref _coalesced);
            }

            if (now - state.LastPublished >= _interval)
            {
                state.Pending = null;
                state.LastPublished = now;
                return merged;
            }

            state.Pending = merged;
            return null;
        }
    }

    /// <summary>The held updates whose interval has passed at <paramref name="now"/>, in track order; empty when none.</summary>
    public IReadOnlyList<TrackEvent> TakeDue(DateTimeOffset now) => Take(now, all: false);

    /// <summary>Every held update regardless of its interval (shutdown, flush).</summary>
    public IReadOnlyList<TrackEvent> TakeAll(DateTimeOffset now) => Take(now, all: true);

    private List<TrackEvent> Take(DateTimeOffset now, bool all)
    {
        if (_interval == TimeSpan.Zero)
        {
            return [];
        }

        List<TrackEvent>? due = null;
        lock (_gate)
        {
            foreach (var (id, state) in _tracks.OrderBy(t => t.Key))
            {
                if (state.Pending is not null && (all || now - state.LastPublished >= _interval))
                {
                    (due ??= []).Add(state.Pending);
                    state.Pending = null;
                    state.LastPublished = now;
                }
            }
        }

        return due ?? [];
    }

    private void Remember(long trackId, DateTimeOffset now)
    {
        if (!_tracks.ContainsKey(trackId) && _tracks.Count >= MaxTracks)
        {
            var quietest = _tracks.MinBy(t => t.Value.LastPublished).Key;
            _tracks.Remove(quietest);
        }

        _tracks[trackId] = new TrackState { LastPublished = now };
    }

    private static TrackEvent Merge(TrackEvent older, TrackEvent newer)
    {
        if (older.Attributes.Count == 0)
        {
            return newer;
        }

        var attributes = new Dictionary<string, AttributeValue>(older.Attributes, StringComparer.Ordinal);
        foreach (var (head, value) in newer.Attributes)
        {
            attributes[head] = value;
        }

        return newer with
        {
            Attributes = attributes,
            Box = newer.Box ?? older.Box,
            Pose = newer.Pose ?? older.Pose,
            Quality = newer.Quality ?? older.Quality,
        };
    }

    private sealed class TrackState
    {
        public DateTimeOffset LastPublished { get; set; }

        public TrackEvent? Pending { get; set; }
    }
}
