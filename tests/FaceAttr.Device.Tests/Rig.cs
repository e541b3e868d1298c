using System.Device.Gpio;
using Microsoft.Extensions.Time.Testing;

namespace FaceAttr.Device.Tests;

/// <summary>A simulated GPIO chip behind a real <see cref="GpioController"/>, on a fake clock.</summary>
internal sealed class Rig : IDisposable
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public Rig(bool supportsPullResistors = true)
    {
        Time = new FakeTimeProvider(Start);
        Driver = new SimulatedGpioDriver(time: Time, supportsPullResistors: supportsPullResistors);
        Controller = new GpioController(Driver);
    }

    public FakeTimeProvider Time { get; }

    public SimulatedGpioDriver Driver { get; }

    public GpioController Controller { get; }

    /// <summary>
    /// Lets <paramref name="milliseconds"/> pass in 1 ms ticks. FakeTimeProvider.Advance jumps the clock to its target
    /// before firing the timers due on the way, so a timer callback would read the end time; ticking makes callbacks see
    /// the time they were due, as on a real clock.
    /// </summary>
    public void Advance(int milliseconds)
    {
        for (var i = 0; i < milliseconds; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(1));
        }
    }

    public void Dispose() => Controller.Dispose();
}
