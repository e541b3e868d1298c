namespace FaceAttr.Messaging;

/// <summary>
/// Reconnect delays: start at the minimum, double per failure up to the maximum, with "equal jitter" (each delay is
/// uniformly between half and all of the current step) so a fleet does not reconnect in lockstep after a broker restart.
/// </summary>
internal sealed class ExponentialBackoff
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private TimeSpan _current;

    public ExponentialBackoff(TimeSpan min, TimeSpan max)
    {
        _min = min;
        _max = max;
        _current = min;
    }

    /// <summary>The next delay; advances the step.</summary>
    public TimeSpan Next()
    {
        var step = _current;
        _current = TimeSpan.FromTicks(Math.Min(_max.Ticks, _current.Ticks * 2));
#pragma warning disable CA5394 // Jitter, not security.
        var factor = 0.5 + (Random.Shared.NextDouble() * 0.5);
#pragma warning restore CA5394
        return TimeSpan.FromTicks((long)(step.Ticks * factor));
    }

    /// <summary>Back to the minimum after a success.</summary>
    public void Reset() => _current = _min;
}
