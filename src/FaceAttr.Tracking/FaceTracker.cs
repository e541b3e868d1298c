using FaceAttr.Core.Events;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;

namespace FaceAttr.Tracking;

/// <summary>
/// Follows faces from frame to frame with stable track ids, fuses each person's attributes over time and
/// produces <c>enter</c> / <c>update</c> / <c>exit</c> events.
/// </summary>
/// <remarks>
/// <para>
/// <b>Matching.</b> Each track predicts its box at the frame time with a constant-velocity model of box
/// centre and size (<see cref="TrackerOptions.MotionWeight"/>); face boxes are matched to predictions by
/// IoU, greedily from the best pair down, pairs under <see cref="TrackerOptions.IouThreshold"/> never.
/// Greedy rather than Hungarian: with a motion model the right pair is almost always the best-overlapping
/// one, the cases where an optimal assignment differs need two near-equal conflicting overlaps (where
/// neither answer is reliably right), and greedy is simple, deterministic (ties go to the older track)
/// and allocation-free at kiosk sizes (a 64 × 64 pair sort is microseconds).
/// </para>
/// <para>
/// <b>Lifetime.</b> An unmatched face starts a track with the next id (ids start at 1, only grow and are
/// never reused, so an id is unique for the tracker's life). A track publishes <c>enter</c> on the first
/// frame it is seen at least <see cref="TrackerOptions.MinDwellSeconds"/> after it began, and ends once
/// unseen for <see cref="TrackerOptions.ExitTimeoutSeconds"/> — with <c>exit</c> if it had entered. A
/// face that comes back after that is a new track.
/// </para>
/// <para>
/// <b>Events</b> are appended to the caller's list in this order per frame: exits, then enters and
/// updates in track-age order. <c>enter</c> and <c>exit</c> carry every head; <c>update</c> carries only
/// the heads whose published label changed or whose probability (age: years) moved by the thresholds,
/// at most once per <see cref="TrackerOptions.UpdateIntervalSeconds"/> per track (changes in between are
/// published together). Box, pose and quality are the latest observed; they never trigger an update on
/// their own. Dwell is seconds since the track began (for <c>exit</c>: until it was last seen).
/// </para>
/// <para>
/// <b>Time</b> is the frame timestamp, never the wall clock, so replayed footage behaves like live video.
/// A timestamp earlier than the previous frame's is treated as equal to it. Call
/// <see cref="Update(DateTimeOffset, IReadOnlyList{FaceObservation}, List{TrackEvent})"/> with no faces to
/// let time pass when no frames arrive (camera lost), and <see cref="ExitAll"/> at shutdown.
/// </para>
/// <para>
/// Not thread-safe: one pipeline stage owns it. The per-frame path allocates nothing in a steady scene;
/// new tracks reuse the storage of ended ones, and only events (which the caller keeps) allocate.
/// </para>
/// </remarks>
public sealed class FaceTracker
{
    // Frame times are tick-exact, but differences of doubles are not; thresholds are compared with this slack.
    private const double TimeEpsilon = 1e-6;

    private readonly List<Track> _tracks = new(16);
    private readonly Stack<Track> _free = new(16);
    private int[] _trackFace = new int[16];
    private bool[] _faceMatched = new bool[16];
    private UnknownCause[] _faceGate = new UnknownCause[16];
    private BoxF[] _faceBoxes = new BoxF[16];
    private MatchPair[] _pairs = new MatchPair[64];
    private long _nextId = 1;
    private bool _started;
    private long _originTicks;
    private DateTimeOffset _lastTimestamp;

    /// <summary>Creates a tracker for <paramref name="deviceId"/> (the <see cref="TrackEvent.Device"/> of its events).</summary>
    /// <param name="deviceId">Device id put into every event; not empty.</param>
    /// <param name="options">Settings; null for the defaults. Validated here.</param>
    /// <exception cref="ArgumentException"><paramref name="deviceId"/> is null or blank.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public FaceTracker(string deviceId, TrackerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceId);
        options ??= new TrackerOptions();
        options.Validate();
        DeviceId = deviceId;
        Options = options;
    }

    /// <summary>Device id carried by every event.</summary>
    public string DeviceId { get; }

    /// <summary>The validated settings.</summary>
    public TrackerOptions Options { get; }

    /// <summary>Tracks followed now, entered or not.</summary>
    public int TrackCount => _tracks.Count;

    /// <summary>Tracks that have entered and not exited: the people present.</summary>
    public int PresentCount
    {
        get
        {
            var present = 0;
            foreach (var track in _tracks)
            {
                if (track.Entered)
                {
                    present++;
                }
            }

            return present;
        }
    }

    /// <summary>Faces that started no track because <see cref="TrackerOptions.MaxTracks"/> tracks were already followed.</summary>
    public long DroppedFaces { get; private set; }

    /// <summary>
    /// Takes the faces of one frame: ends tracks unseen for the exit timeout, matches the faces to tracks,
    /// fuses their attributes, starts tracks for unmatched faces, and appends the resulting events.
    /// </summary>
    /// <param name="timestamp">Capture time of the frame.</param>
    /// <param name="faces">Every face of the frame (possibly none). Not kept after the call.</param>
    /// <param name="events">Receives the events; appended to, never cleared (the caller owns it).</param>
    /// <exception cref="ArgumentNullException"><paramref name="faces"/>, <paramref name="events"/> or a face is null.</exception>
    public void Update(DateTimeOffset timestamp, IReadOnlyList<FaceObservation> faces, List<TrackEvent> events)
    {
        ArgumentNullException.ThrowIfNull(faces);
        ArgumentNullException.ThrowIfNull(events);
        var options = Options;
        var faceCount = faces.Count;
        EnsureCapacity(faceCount);
        for (var f = 0; f < faceCount; f++)
        {
            // Checked before any state changes, so a bad frame leaves the tracker as it was.
            var face = faces[f] ?? throw new ArgumentNullException(nameof(faces), $"faces[{f}] is null");
            _faceMatched[f] = false;
            _faceGate[f] = QualityGate.Check(face, options);
            _faceBoxes[f] = face.Box;
        }

        var now = Advance(ref timestamp);
        var utc = timestamp.ToUniversalTime();
        ExpireTracks(now, utc, events);
        Match(now, faces);

        for (var f = 0; f < faceCount; f++)
        {
            if (_faceMatched[f])
            {
                continue;
            }

            if (_tracks.Count >= options.MaxTracks)
            {
                DroppedFaces++;
                continue;
            }

            var track = _free.Count > 0 ? _free.Pop() : new Track();
            track.Start(_nextId++, now, faces[f], options, _faceGate[f]);
            _tracks.Add(track);
        }

        Publish(now, utc, events);
    }

    /// <summary>
    /// Ends every track now, appending <c>exit</c> for those that had entered (for shutdown, or when the
    /// scene is known to have changed). Ids still never repeat afterwards.
    /// </summary>
    /// <param name="timestamp">Time of the exits; earlier than the last frame counts as the last frame.</param>
    /// <param name="events">Receives the exits.</param>
    public void ExitAll(DateTimeOffset timestamp, List<TrackEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        Advance(ref timestamp);
        var utc = timestamp.ToUniversalTime();
        foreach (var track in _tracks)
        {
            if (track.Entered)
            {
                events.Add(track.BuildEvent(TrackEventKind.Exit, DeviceId, utc, track.LastSeen - track.FirstSeen, false, Options)!);
            }

            _free.Push(track);
        }

        _tracks.Clear();
    }

    /// <summary>Appends the tracks followed now, oldest first, to <paramref name="into"/> (not cleared).</summary>
    public void CopyTracks(List<TrackSnapshot> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        foreach (var track in _tracks)
        {
            into.Add(new TrackSnapshot(track.Id, track.Box, track.Entered, track.LastSeen - track.FirstSeen, track.SeenThisFrame));
        }
    }

    private double Advance(ref DateTimeOffset timestamp)
    {
        if (!_started)
        {
            _started = true;
            _originTicks = timestamp.UtcTicks;
            _lastTimestamp = timestamp;
        }
        else if (timestamp < _lastTimestamp)
        {
            timestamp = _lastTimestamp;
        }
        else
        {
            _lastTimestamp = timestamp;
        }

        return (timestamp.UtcTicks - _originTicks) / (double)TimeSpan.TicksPerSecond;
    }

    private void ExpireTracks(double now, DateTimeOffset utc, List<TrackEvent> events)
    {
        var timeout = Options.ExitTimeoutSeconds - TimeEpsilon;
        var kept = 0;
        for (var i = 0; i < _tracks.Count; i++)
        {
            var track = _tracks[i];
            track.SeenThisFrame = false;
            if (now - track.LastSeen >= timeout)
            {
                if (track.Entered)
                {
                    events.Add(track.BuildEvent(TrackEventKind.Exit, DeviceId, utc, track.LastSeen - track.FirstSeen, false, Options)!);
                }

                _free.Push(track);
                continue;
            }

            _tracks[kept++] = track;
        }

        // Order-preserving compaction: tracks stay oldest first, which makes ties and event order deterministic.
        _tracks.RemoveRange(kept, _tracks.Count - kept);
    }

    private void Match(double now, IReadOnlyList<FaceObservation> faces)
    {
        var trackCount = _tracks.Count;
        var faceCount = faces.Count;
        if (trackCount == 0 || faceCount == 0)
        {
            return;
        }

        var needed = trackCount * faceCount;
        if (_pairs.Length < needed)
        {
            _pairs = new MatchPair[Math.Max(needed, _pairs.Length * 2)];
        }

        var threshold = Options.IouThreshold;
        var pairCount = 0;
        for (var t = 0; t < trackCount; t++)
        {
            _trackFace[t] = -1;
            var predicted = _tracks[t].Predict(now, Options.MaxPredictionSeconds);
            for (var f = 0; f < faceCount; f++)
            {
                var iou = predicted.IoU(_faceBoxes[f]);
                if (iou >= threshold)
                {
                    _pairs[pairCount++] = new MatchPair(iou, t, f);
                }
            }
        }

        Array.Sort(_pairs, 0, pairCount);
        for (var p = 0; p < pairCount; p++)
        {
            var (_, t, f) = _pairs[p];
            if (_trackFace[t] >= 0 || _faceMatched[f])
            {
                continue;
            }

            _trackFace[t] = f;
            _faceMatched[f] = true;
        }

        for (var t = 0; t < trackCount; t++)
        {
            var f = _trackFace[t];
            if (f >= 0)
            {
                _tracks[t].Observe(now, faces[f], Options, _faceGate[f]);
            }
        }
    }

    private void Publish(double now, DateTimeOffset utc, List<TrackEvent> events)
    {
        var options = Options;
        foreach (var track in _tracks)
        {
            if (!track.Entered)
            {
                if (track.SeenThisFrame && now - track.FirstSeen >= options.MinDwellSeconds - TimeEpsilon)
                {
                    events.Add(track.BuildEvent(TrackEventKind.Enter, DeviceId, utc, now - track.FirstSeen, false, options)!);
                    track.Entered = true;
                    track.LastEventAt = now;
                    track.Dirty = false;
                }

                continue;
            }

            if (track.Dirty && now - track.LastEventAt >= options.UpdateIntervalSeconds - TimeEpsilon)
            {
                track.Dirty = false;
                if (track.BuildEvent(TrackEventKind.Update, DeviceId, utc, now - track.FirstSeen, true, options) is { } update)
                {
                    events.Add(update);
                    track.LastEventAt = now;
                }
            }
        }
    }

    private void EnsureCapacity(int faceCount)
    {
        // Tracks never exceed MaxTracks, except transiently by the faces of this frame.
        var tracks = _tracks.Count + faceCount;
        if (_trackFace.Length < tracks)
        {
            _trackFace = new int[Math.Max(tracks, _trackFace.Length * 2)];
        }

        if (_faceMatched.Length < faceCount)
        {
            var capacity = Math.Max(faceCount, _faceMatched.Length * 2);
            _faceMatched = new bool[capacity];
            _faceGate = new UnknownCause[capacity];
            _faceBoxes = new BoxF[capacity];
        }
    }

    /// <summary>A candidate track–face pair; sorts best overlap first, then older track, then earlier face.</summary>
    private readonly record struct MatchPair(float IoU, int Track, int Face) : IComparable<MatchPair>
    {
        public int CompareTo(MatchPair other)
        {
            var byIoU = other.IoU.CompareTo(IoU);
            if (byIoU != 0)
            {
                return byIoU;
            }

            var byTrack = Track.CompareTo(other.Track);
            return byTrack != 0 ? byTrack : Face.CompareTo(other.Face);
        }
    }
}
