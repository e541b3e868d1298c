namespace FaceAttr.Device;

/// <summary>
/// A looping on/off sequence in one colour. One step is a steady light; more steps loop forever. The tables below are
/// the whole vocabulary an installer has to learn, so they stay few and far apart in rhythm.
/// </summary>
internal sealed record LedPattern(LedColor Color, IReadOnlyList<LedStep> Steps)
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Half = TimeSpan.FromMilliseconds(500);

    private static readonly LedPattern Dark = new(LedColor.None, [new LedStep(false, Timeout.InfiniteTimeSpan)]);

    // 1 Hz, 50 % duty: "busy, wait".
    private static readonly LedPattern SlowBlink = new(LedColor.Yellow, [new LedStep(true, Half), new LedStep(false, Half)]);

    private static readonly LedPattern Steady = new(LedColor.Green, [new LedStep(true, Timeout.InfiniteTimeSpan)]);

    // 5 Hz: distinct from the slow blink even at a glance; "something is wrong".
    private static readonly LedPattern FastBlink = new(LedColor.Red, [new LedStep(true, Short), new LedStep(false, Short)]);

    // Two 100 ms flashes per second: reads as "seen you" and cannot be confused with either blink.
    private static readonly LedPattern DoubleBlink = new(
        LedColor.Blue,
        [new LedStep(true, Short), new LedStep(false, Short), new LedStep(true, Short), new LedStep(false, TimeSpan.FromMilliseconds(700))]);

    public static LedPattern For(LedState state) => state switch
    {
        LedState.Starting => SlowBlink,
        LedState.Online => Steady,
        LedState.BrokerLost => FastBlink,
        LedState.FacePresent => DoubleBlink,
        _ => Dark,
    };
}
