using System.Device.Gpio;

namespace FaceAttr.Device;

/// <summary>
/// The status LED and its pattern player. <see cref="Show"/> switches the pattern; a timer on the given
/// <see cref="TimeProvider"/> steps through it.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>state</term><description>single LED / RGB colour</description></listheader>
/// <item><term><see cref="LedState.Starting"/></term><description>slow blink, 500 ms on / 500 ms off; yellow</description></item>
/// <item><term><see cref="LedState.Online"/></term><description>steady on; green</description></item>
/// <item><term><see cref="LedState.BrokerLost"/></term><description>fast blink, 100 ms on / 100 ms off; red</description></item>
/// <item><term><see cref="LedState.FacePresent"/></term><description>double blink: 100 on, 100 off, 100 on, 700 off; blue</description></item>
/// <item><term><see cref="LedState.Off"/></term><description>dark</description></item>
/// </list>
/// Opens its pins as outputs (initially dark) on construction; on dispose turns the LED off and closes them. The caller
/// keeps owning the <see cref="GpioController"/>. Thread-safe.
/// </remarks>
public sealed class StatusLed : IDisposable
{
    private const LedColor AnyColor = LedColor.Red | LedColor.Green | LedColor.Blue;

    private readonly Lock _gate = new();
    private readonly GpioController _controller;
    private readonly (int Pin, LedColor Channel)[] _channels;
    private readonly bool _activeLow;
    private readonly TimeProvider _time;
    private ITimer? _timer;
    private LedPattern _pattern = LedPattern.For(LedState.Off);
    private int _generation;
    private int _step;
    private bool _disposed;

    /// <summary>Opens the LED pins of <paramref name="settings"/> as outputs, dark.</summary>
    /// <param name="controller">The GPIO controller; not disposed by the LED.</param>
    /// <param name="settings">One pin, or RGB pins (at least one), and the polarity.</param>
    /// <param name="time">Clock of the pattern player; <see cref="TimeProvider.System"/> on a device.</param>
    public StatusLed(GpioController controller, StatusLedSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        _controller = controller;
        _activeLow = settings.ActiveLow;
        _time = time;
        _channels = settings.Pin is { } single
            ? [(single, AnyColor)]
            : [.. new[] { (settings.RedPin, LedColor.Red), (settings.GreenPin, LedColor.Green), (settings.BluePin, LedColor.Blue) }
                .Where(c => c.Item1 is not null)
                .Select(c => (c.Item1!.Value, c.Item2))];
        if (_channels.Length == 0)
        {
            throw new ArgumentException("a status LED needs Pin or at least one of RedPin, GreenPin, BluePin", nameof(settings));
        }

        var opened = new List<int>();
        try
        {
            foreach (var (pin, _) in _channels)
            {
                // Request the line with its dark level so the LED does not flash while the daemon starts.
                controller.OpenPin(pin, PinMode.Output, Level(false));
                opened.Add(pin);
            }
        }
        catch
        {
            opened.ForEach(controller.ClosePin);
            throw;
        }
    }

    /// <summary>The lines driven: one for a single LED, up to three for RGB.</summary>
    public IReadOnlyList<int> Pins => [.. _channels.Select(c => c.Pin)];

    /// <summary>The state shown now.</summary>
    public LedState State { get; private set; }

    /// <summary>
    /// The state for the daemon's situation, most urgent first: not ready → <see cref="LedState.Starting"/>, broker
    /// lost → <see cref="LedState.BrokerLost"/> (faces do not hide a fault), faces → <see cref="LedState.FacePresent"/>,
    /// else <see cref="LedState.Online"/>.
    /// </summary>
    public static LedState StateFor(bool ready, bool brokerConnected, bool facesPresent) =>
        !ready ? LedState.Starting
        : !brokerConnected ? LedState.BrokerLost
        : facesPresent ? LedState.FacePresent
        : LedState.Online;

    /// <summary>
    /// Shows <paramref name="state"/>, starting its pattern from the first step. Showing the state already shown does
    /// nothing, so the pipeline may call this per frame without resetting a blink.
    /// </summary>
    public void Show(LedState state)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (state == State && _timer is not null)
            {
                return;
            }

            State = state;
            _pattern = LedPattern.For(state);
            _step = 0;

            // A fresh timer per state: a tick of the previous pattern already queued carries the old generation and is dropped.
            _timer?.Dispose();
            var generation = ++_generation;
            _timer = _time.CreateTimer(Tick, generation, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            ApplyStep();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer?.Dispose();
            foreach (var (pin, _) in _channels)
            {
                _controller.Write(pin, Level(false));
                _controller.ClosePin(pin);
            }
        }
    }

    private void Tick(object? generation)
    {
        lock (_gate)
        {
            if (_disposed || (int)generation! != _generation)
            {
                return;
            }

            _step = (_step + 1) % _pattern.Steps.Count;
            ApplyStep();
        }
    }

    // Called under the lock.
    private void ApplyStep()
    {
        var step = _pattern.Steps[_step];
        foreach (var (pin, channel) in _channels)
        {
            _controller.Write(pin, Level(step.On && (_pattern.Color & channel) != 0));
        }

        if (_pattern.Steps.Count > 1)
        {
            _timer!.Change(step.Duration, Timeout.InfiniteTimeSpan);
        }
    }

    private PinValue Level(bool lit) => lit != _activeLow ? PinValue.High : PinValue.Low;
}
