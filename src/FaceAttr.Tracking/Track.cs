using FaceAttr.Core.Events;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;

namespace FaceAttr.Tracking;

/// <summary>
/// One followed face: its motion state (constant-velocity model of box centre and size), its fused
/// heads and its event state. Owned by one <see cref="FaceTracker"/>, reused after it ends (see
/// <see cref="Start"/>), so a steady scene allocates nothing.
/// </summary>
internal sealed class Track
{
    /// <summary>Most heads followed per track; further heads of an observation are ignored.</summary>
    public const int MaxHeads = 64;

    private readonly List<HeadFusion> _heads = new(8);
    private int _headCount;
    private float _cx;
    private float _cy;
    private float _w;
    private float _h;
    private float _vx;
    private float _vy;
    private float _vw;
    private float _vh;
    private bool _hasVelocity;

    /// <summary>Track id; never reused by the tracker.</summary>
    public long Id { get; private set; }

    /// <summary>Frame time (seconds since the tracker's first frame) when the track began.</summary>
    public double FirstSeen { get; private set; }

    /// <summary>Frame time the face was last seen.</summary>
    public double LastSeen { get; private set; }

    /// <summary>Frame time of the last enter/update event.</summary>
    public double LastEventAt { get; set; }

    /// <summary>Whether <c>enter</c> has been published.</summary>
    public bool Entered { get; set; }

    /// <summary>Whether the track was matched in the current frame.</summary>
    public bool SeenThisFrame { get; set; }

    /// <summary>Something was fused (or a head appeared) since the last change check.</summary>
    public bool Dirty { get; set; }

    /// <summary>Latest observed box.</summary>
    public BoxF Box { get; private set; }

    /// <summary>Latest observed head pose.</summary>
    public HeadPose? Pose { get; private set; }

    /// <summary>Latest observed quality.</summary>
    public FaceQuality Quality { get; private set; }

    /// <summary>Begins the track as <paramref name="id"/> on its first observation.</summary>
    public void Start(long id, double now, FaceObservation face, TrackerOptions options, in UnknownCause gate)
    {
        Id = id;
        FirstSeen = now;
        LastSeen = now;
        LastEventAt = now;
        Entered = false;
        Dirty = false;
        _headCount = 0;
        _vx = _vy = _vw = _vh = 0;
        _hasVelocity = false;
        SetBox(face.Box);
        Observe(now, face, options, gate);
    }

    /// <summary>Where the face should be at <paramref name="now"/>, extrapolating at most <paramref name="maxPredictionSeconds"/>.</summary>
    public BoxF Predict(double now, double maxPredictionSeconds)
    {
        var dt = (float)Math.Clamp(now - LastSeen, 0, maxPredictionSeconds);
        var w = MathF.Max(1, _w + (_vw * dt));
        var h = MathF.Max(1, _h + (_vh * dt));
        var cx = _cx + (_vx * dt);
        var cy = _cy + (_vy * dt);
        return new BoxF(cx - (w / 2), cy - (h / 2), w, h);
    }

    /// <summary>Takes the face matched to this track at <paramref name="now"/>: motion update, then fusion of its attributes.</summary>
    public void Observe(double now, FaceObservation face, TrackerOptions options, in UnknownCause gate)
    {
        var dt = now - LastSeen;
        if (dt > 0 && options.MotionWeight > 0)
        {
            var box = face.Box;
            var invDt = (float)(1 / dt);
            var mvx = (box.CenterX - _cx) * invDt;
            var mvy = (box.CenterY - _cy) * invDt;
            var mvw = (box.Width - _w) * invDt;
            var mvh = (box.Height - _h) * invDt;
            if (_hasVelocity)
            {
                var g = options.MotionWeight;
                _vx += g * (mvx - _vx);
                _vy += g * (mvy - _vy);
                _vw += g * (mvw - _vw);
                _vh += g * (mvh - _vh);
            }
            else
            {
                // No prior to smooth against: the first measured velocity is the best estimate there is.
                (_vx, _vy, _vw, _vh) = (mvx, mvy, mvw, mvh);
                _hasVelocity = true;
            }
        }

        SetBox(face.Box);
        Pose = face.Pose;
        Quality = face.Quality;
        LastSeen = now;
        SeenThisFrame = true;

        var attributes = face.Attributes;
        if (attributes is null)
        {
            return;
        }

        for (var i = 0; i < attributes.Count; i++)
        {
            var value = attributes[i];
            if (value?.Head is null)
            {
                continue;
            }

            var head = FindOrAdd(value.Head, options);
            if (head is null)
            {
                continue;
            }

            // The analyzer's own reason wins (it is the more specific); then our gate; then sanity of the numbers.
            if (HeadFusion.IsUnknown(value))
            {
                head.ObserveUnknown(UnknownCause.FromAttribute(value), value.Model);
            }
            else if (!gate.IsNone)
            {
                head.ObserveUnknown(gate, value.Model);
            }
            else if (!HeadFusion.IsValid(value))
            {
                head.ObserveUnknown(new UnknownCause(UnknownKind.Invalid, 0, null), value.Model);
            }
            else
            {
                head.Observe(now, value, options.HysteresisMargin, options.AgeHysteresisYears);
                Dirty = true;
            }
        }
    }

    /// <summary>
    /// An event of <paramref name="kind"/> with every head (<paramref name="onlyChanged"/> false) or only
    /// the heads that changed enough since last published (null when none did). Publishing a head
    /// makes its current value the new reference for later changes.
    /// </summary>
    public TrackEvent? BuildEvent(
        TrackEventKind kind, string device, DateTimeOffset timestamp, double dwellSeconds, bool onlyChanged, TrackerOptions options)
    {
        var count = _headCount;
        if (onlyChanged)
        {
            count = 0;
            for (var i = 0; i < _headCount; i++)
            {
                if (_heads[i].HasChanged(options.MinProbabilityChange, options.MinAgeChangeYears))
                {
                    count++;
                }
            }

            if (count == 0)
            {
                return null;
            }
        }

        var attributes = new Dictionary<string, AttributeValue>(count, StringComparer.Ordinal);
        for (var i = 0; i < _headCount; i++)
        {
            var head = _heads[i];
            if (!onlyChanged || head.HasChanged(options.MinProbabilityChange, options.MinAgeChangeYears))
            {
                attributes[head.Head] = head.Publish();
            }
        }

        return new TrackEvent
        {
            Kind = kind,
            Device = device,
            TrackId = Id,
            Timestamp = timestamp,
            DwellSeconds = Math.Round(dwellSeconds, 3), // milliseconds are plenty; float noise in payloads is not
            Box = Box,
            Pose = Pose,
            Quality = Quality,
            Attributes = attributes,
        };
    }

    private void SetBox(BoxF box)
    {
        Box = box;
        _cx = box.CenterX;
        _cy = box.CenterY;
        _w = box.Width;
        _h = box.Height;
    }

    private HeadFusion? FindOrAdd(string head, TrackerOptions options)
    {
        for (var i = 0; i < _headCount; i++)
        {
            if (string.Equals(_heads[i].Head, head, StringComparison.Ordinal))
            {
                return _heads[i];
            }
        }

        if (_headCount >= MaxHeads)
        {
            return null;
        }

        HeadFusion fusion;
        if (_headCount < _heads.Count)
        {
            fusion = _heads[_headCount];
        }
        else
        {
            fusion = new HeadFusion();
            _heads.Add(fusion);
        }

        fusion.Reset(head, options.HalfLifeOf(head));
        _headCount++;

        // A new head is news for the next update.
        Dirty = true;
        return fusion;
    }
}
