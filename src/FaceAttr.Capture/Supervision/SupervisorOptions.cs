namespace FaceAttr.Capture;

/// <summary>How a <see cref="SourceSupervisor"/> restarts its source.</summary>
public sealed class SupervisorOptions
{
    /// <summary>Wait before the first restart. Range 10 ms – 60 s; default 0.5 s.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Longest wait between restarts. Range <see cref="InitialBackoff"/> – 1 h; default 30 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Each consecutive failure multiplies the wait by this. Range 1–10; default 2.</summary>
    public double BackoffMultiplier { get; set; } = 2;

    /// <summary>A run that delivered frames for this long resets the backoff to <see cref="InitialBackoff"/>. Range 1 s – 1 h; default 30 s.</summary>
    public TimeSpan HealthyRun { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Rate cap: at most this many restarts in <see cref="RestartWindow"/>; further restarts wait. Range 1–1000; default 10.</summary>
    public int MaxRestartsPerWindow { get; set; } = 10;

    /// <summary>The window of <see cref="MaxRestartsPerWindow"/>. Range 1 s – 24 h; default 60 s.</summary>
    public TimeSpan RestartWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A run with no first frame after this long is restarted (an RTSP connect can be slow). Range 100 ms – 10 min; default 30 s.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A running source with no new frame for this long is restarted (a hung camera or child). Must exceed a few
    /// frame intervals of the slowest configured rate. Range 100 ms – 10 min; default 10 s.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a cancelled run may take to release its device before it is abandoned and logged. Range 100 ms – 60 s; default 5 s.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the supervisor looks at the frame counters. Range 10 ms – 5 s; default 100 ms.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        Range(InitialBackoff, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(60), nameof(InitialBackoff));
        Range(MaxBackoff, InitialBackoff, TimeSpan.FromHours(1), nameof(MaxBackoff));
        if (!(BackoffMultiplier is >= 1 and <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(BackoffMultiplier), BackoffMultiplier, "must be 1–10");
        }

        Range(HealthyRun, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), nameof(HealthyRun));
        if (MaxRestartsPerWindow is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRestartsPerWindow), MaxRestartsPerWindow, "must be 1–1000");
        }

        Range(RestartWindow, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24), nameof(RestartWindow));
        Range(StartTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), nameof(StartTimeout));
        Range(StallTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), nameof(StallTimeout));
        Range(StopTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60), nameof(StopTimeout));
        Range(CheckInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(5), nameof(CheckInterval));
    }

    private static void Range(TimeSpan value, TimeSpan min, TimeSpan max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"must be {min} – {max}");
        }
    }
}
