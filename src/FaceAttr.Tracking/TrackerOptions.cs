namespace FaceAttr.Tracking;

/// <summary>
/// How <see cref="FaceTracker"/> follows faces, fuses their attributes and decides what to publish.
/// Every field has a default suited to a kiosk camera at 5–30 fps; times are in seconds of the frame
/// timestamps, so the same settings mean the same thing at any frame rate. Bound from the daemon's
/// <c>FaceAttr:Tracking</c> configuration section and checked with <see cref="Validate"/> at start. The setters are
/// plain <c>set</c>, not <c>init</c>: the configuration binder's source generator (used in the trimmed daemon)
/// silently skips init-only properties.
/// </summary>
public sealed record TrackerOptions
{
    // Shared by every default instance, so read-only for real (not just by its static type).
    private static readonly IReadOnlyDictionary<string, double> DefaultHeadHalfLives = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["expression"] = 0.5,
        ["smile"] = 0.5,
        ["eye_left"] = 0.25,
        ["eye_right"] = 0.25,
        ["mouth"] = 0.25,
    }.AsReadOnly();

    // ── Matching and track lifetime ──────────────────────────────────────────────────────────────

    /// <summary>
    /// Smallest intersection-over-union between a track's predicted box and a face box for them to be
    /// the same person. Default 0.3 (the usual SORT value: tolerant of detector jitter, still rejects
    /// neighbours); range 0.01–0.95.
    /// </summary>
    public float IouThreshold { get; set; } = 0.3f;

    /// <summary>
    /// Seconds a track may go unseen before it ends (an <c>exit</c> event if it had entered). Default 2
    /// (bridges a turned head, a hand in front of the face or a few missed detections); range 0.05–600.
    /// Time-based rather than a count of missed frames because the frame rate of a loaded Pi varies.
    /// </summary>
    public double ExitTimeoutSeconds { get; set; } = 2.0;

    /// <summary>
    /// Seconds a track must exist before it counts as a person and publishes <c>enter</c>. Default 0.5
    /// (drops one-frame false detections and people walking straight past); range 0–600, 0 = enter at once.
    /// Tracks that end before entering publish nothing.
    /// </summary>
    public double MinDwellSeconds { get; set; } = 0.5;

    /// <summary>
    /// Gain of the constant-velocity motion model: how much the newest measured velocity (of the box centre
    /// and size) moves the smoothed velocity. Default 0.5 (follows a walking person within two or three
    /// frames while halving detector jitter); range 0–1, 0 = no motion model (match against the last box).
    /// </summary>
    public float MotionWeight { get; set; } = 0.5f;

    /// <summary>
    /// Longest extrapolation of the motion model in seconds; an unseen track's predicted box stops moving
    /// after this. Default 0.5 (a velocity estimate is not trustworthy for longer); range 0–10.
    /// </summary>
    public double MaxPredictionSeconds { get; set; } = 0.5;

    /// <summary>
    /// Most tracks (entered or not) followed at once; faces beyond it start no track and are counted in
    /// <see cref="FaceTracker.DroppedFaces"/>. Default 64 (a kiosk sees a handful; the detector rarely
    /// returns more); range 1–1024.
    /// </summary>
    public int MaxTracks { get; set; } = 64;

    // ── Fusion ───────────────────────────────────────────────────────────────────────────────────

    /// <summary>
    /// Half-life in seconds of the time-weighted average that fuses a head's observations: an observation
    /// this old counts half as much as a new one. Default 1.5 (identity-like heads — gender, age, eyewear,
    /// beard — settle within a second or two and then hold); range 0.01–600.
    /// </summary>
    public double HalfLifeSeconds { get; set; } = 1.5;

    /// <summary>
    /// Per-head half-lives overriding <see cref="HalfLifeSeconds"/>. Default: <c>expression</c> and
    /// <c>smile</c> 0.5 s (expressions change within a second), <c>eye_left</c>, <c>eye_right</c> and
    /// <c>mouth</c> 0.25 s (landmark states change fastest). Each value in 0.01–600.
    /// </summary>
    public IReadOnlyDictionary<string, double> HeadHalfLifeSeconds { get; set; } = DefaultHeadHalfLives;

    /// <summary>
    /// Hysteresis of class heads: the published label changes only when another label's fused probability
    /// beats it by at least this much. Default 0.1 (a binary head must reach 0.55 to flip, which a 50/50
    /// flicker never does); range 0–0.9, 0 = always publish the most probable label.
    /// </summary>
    public float HysteresisMargin { get; set; } = 0.1f;

    /// <summary>
    /// Hysteresis of the age decade label in years: the label leaves its decade only when the fused age is
    /// this far outside it. Default 2 (a 39/41-year-old face does not alternate between 30-39 and 40-49);
    /// range 0–20.
    /// </summary>
    public float AgeHysteresisYears { get; set; } = 2f;

    /// <summary>
    /// Shortest time in seconds between two <c>update</c> events of one track; changes in between are
    /// published together when it has passed. Default 1 (a kiosk application re-renders at most once a
    /// second per person; keeps MQTT traffic bounded); range 0–3600, 0 = no rate limit.
    /// </summary>
    public double UpdateIntervalSeconds { get; set; } = 1.0;

    /// <summary>
    /// Smallest move of a head's published probability that is worth an <c>update</c> when its label is
    /// unchanged. Default 0.1; range 0–1.
    /// </summary>
    public float MinProbabilityChange { get; set; } = 0.1f;

    /// <summary>
    /// Smallest move in years of the published age that is worth an <c>update</c> when its decade is
    /// unchanged. Default 3 (age estimates of one face wander by a few years frame to frame); range 0–100.
    /// </summary>
    public float MinAgeChangeYears { get; set; } = 3f;

    // ── Quality gate ─────────────────────────────────────────────────────────────────────────────

    /// <summary>
    /// Smallest face size in pixels (<c>FaceQuality.FaceSize</c>, or the box's shorter side when that was
    /// not measured) whose attributes are fused. Default 40 (as the analyzer's gate); range 0–4096, 0 = off.
    /// </summary>
    public float MinFaceSize { get; set; } = 40;

    /// <summary>
    /// Largest |yaw| in degrees whose attributes are fused (faces without a pose are not gated on pose).
    /// Default 40 (as the analyzer's gate); range 0–180, 180 = off.
    /// </summary>
    public float MaxYaw { get; set; } = 40;

    /// <summary>Largest |pitch| in degrees whose attributes are fused. Default 35 (as the analyzer's gate); range 0–180, 180 = off.</summary>
    public float MaxPitch { get; set; } = 35;

    /// <summary>
    /// Smallest sharpness (variance of the Laplacian, <c>FaceQuality.Sharpness</c>) whose attributes are
    /// fused; a sharpness of exactly 0 means "not measured" and is not gated. Default 15 (as the analyzer's
    /// gate); range 0–100000, 0 = off.
    /// </summary>
    public float MinSharpness { get; set; } = 15;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A field is outside its documented range.</exception>
    /// <exception cref="ArgumentException"><see cref="HeadHalfLifeSeconds"/> is null or has an empty head name.</exception>
    public void Validate()
    {
        Check(IouThreshold, 0.01, 0.95, nameof(IouThreshold));
        Check(ExitTimeoutSeconds, 0.05, 600, nameof(ExitTimeoutSeconds));
        Check(MinDwellSeconds, 0, 600, nameof(MinDwellSeconds));
        Check(MotionWeight, 0, 1, nameof(MotionWeight));
        Check(MaxPredictionSeconds, 0, 10, nameof(MaxPredictionSeconds));
        Check(MaxTracks, 1, 1024, nameof(MaxTracks));
        Check(HalfLifeSeconds, 0.01, 600, nameof(HalfLifeSeconds));
        if (HeadHalfLifeSeconds is null)
        {
            throw new ArgumentException($"Tracker.{nameof(HeadHalfLifeSeconds)} must not be null", nameof(HeadHalfLifeSeconds));
        }

        foreach (var (head, halfLife) in HeadHalfLifeSeconds)
        {
            if (string.IsNullOrWhiteSpace(head))
            {
                throw new ArgumentException($"Tracker.{nameof(HeadHalfLifeSeconds)} has an empty head name", nameof(HeadHalfLifeSeconds));
            }

            Check(halfLife, 0.01, 600, $"{nameof(HeadHalfLifeSeconds)}:{head}");
        }

        Check(HysteresisMargin, 0, 0.9, nameof(HysteresisMargin));
        Check(AgeHysteresisYears, 0, 20, nameof(AgeHysteresisYears));
        Check(UpdateIntervalSeconds, 0, 3600, nameof(UpdateIntervalSeconds));
        Check(MinProbabilityChange, 0, 1, nameof(MinProbabilityChange));
        Check(MinAgeChangeYears, 0, 100, nameof(MinAgeChangeYears));
        Check(MinFaceSize, 0, 4096, nameof(MinFaceSize));
        Check(MaxYaw, 0, 180, nameof(MaxYaw));
        Check(MaxPitch, 0, 180, nameof(MaxPitch));
        Check(MinSharpness, 0, 100000, nameof(MinSharpness));
    }

    /// <summary>The half-life in seconds used for <paramref name="head"/>.</summary>
    public double HalfLifeOf(string head) =>
        head is not null && HeadHalfLifeSeconds is not null && HeadHalfLifeSeconds.TryGetValue(head, out var halfLife)
            ? halfLife
            : HalfLifeSeconds;

    private static void Check(double value, double min, double max, string name)
    {
        // Written so that NaN fails too.
        if (!(value >= min && value <= max))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Tracker.{name} must be in {min}..{max}");
        }
    }
}
