namespace FaceAttr.Capture;

/// <summary>
/// Exponential backoff with a cap, reset by a healthy run, plus a sliding-window rate cap on restarts.
/// Pure arithmetic on a monotonic clock given by the caller, so it is tested without waiting.
/// </summary>
internal sealed class RestartPolicy
{
    private readonly SupervisorOptions _options;
    private readonly Queue<TimeSpan> _recentStarts = new();
    private TimeSpan _nextBackoff;

    public RestartPolicy(SupervisorOptions options)
    {
        _options = options;
        _nextBackoff = options.InitialBackoff;
    }

    /// <summary>The wait before the next start.</summary>
    /// <param name="now">Monotonic time now (any fixed origin).</param>
    /// <param name="lastRunWasHealthy">The run that just ended delivered frames for at least <see cref="SupervisorOptions.HealthyRun"/>.</param>
    public TimeSpan NextDelay(TimeSpan now, bool lastRunWasHealthy)
    {
        if (lastRunWasHealthy)
        {
            _nextBackoff = _options.InitialBackoff;
        }

        var delay = _nextBackoff;
        var grown = _nextBackoff.Ticks * _options.BackoffMultiplier;
        _nextBackoff = TimeSpan.FromTicks((long)Math.Min(grown, _options.MaxBackoff.Ticks));

        while (_recentStarts.Count > 0 && now - _recentStarts.Peek() >= _options.RestartWindow)
        {
            _recentStarts.Dequeue();
        }

        if (_recentStarts.Count >= _options.MaxRestartsPerWindow)
        {
            // Wait until the oldest restart in the window has left it.
            var capped = _recentStarts.Peek() + _options.RestartWindow - now;
            if (capped > delay)
            {
                delay = capped;
            }

            _recentStarts.Dequeue();
        }

        _recentStarts.Enqueue(now + delay);
        return delay;
    }
}
