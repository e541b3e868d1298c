using System.Device.Gpio;

namespace FaceAttr.Device;

/// <summary>
/// A PIR motion sensor on one GPIO line: the debounced line going active starts motion (<see cref="Motion"/>), and
/// motion ends (<see cref="Idle"/>) once the line has been inactive for <see cref="MotionSensorSettings.Hold"/>.
/// </summary>
/// <remarks>
/// Opens its pin on construction (plain input, or pull-down/pull-up against the active level so an unplugged sensor
/// reads idle) and closes it on dispose; the caller keeps owning the <see cref="GpioController"/>. Events are raised
/// on the GPIO event thread or a timer thread. If the line is already active at construction, <see cref="IsMotion"/>
/// starts true and no <see cref="Motion"/> event is raised for it.
/// </remarks>
public sealed class MotionSensor : IDisposable
{
    private readonly Lock _gate = new();
    private readonly DebouncedInput _input;
    private readonly TimeSpan _hold;
    private readonly TimeProvider _time;
    private readonly ITimer _holdTimer;
    private DateTimeOffset _inactiveSince;
    private DateTimeOffset? _lastMotionAt;
    private bool _motion;

    /// <summary>Opens <paramref name="pin"/> on <paramref name="controller"/> as a PIR input.</summary>
    /// <param name="controller">The GPIO controller; not disposed by this sensor.</param>
    /// <param name="pin">Logical (BCM / gpiochip line) number.</param>
    /// <param name="settings">Polarity, hold and debounce.</param>
    /// <param name="time">Clock for debounce and hold; <see cref="TimeProvider.System"/> on a device.</param>
    public MotionSensor(GpioController controller, int pin, MotionSensorSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        Pin = pin;
        _hold = settings.Hold;
        _time = time;
        _holdTimer = time.CreateTimer(_ => OnHoldElapsed(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var pull = settings.ActiveLow ? PinMode.InputPullUp : PinMode.InputPullDown;
        try
        {
            _input = new DebouncedInput(controller, pin, pull, settings.ActiveLow, settings.Debounce, time);
        }
        catch
        {
            _holdTimer.Dispose();
            throw;
        }

        _input.Changed += OnInputChanged;
        lock (_gate)
        {
            // Read after subscribing, so an edge in between is not lost.
            _motion = _input.IsActive;
            _inactiveSince = time.GetUtcNow();
            _lastMotionAt = _motion ? _inactiveSince : null;
        }
    }

    /// <summary>Raised when motion starts (the line went active while idle).</summary>
    public event EventHandler<DeviceEventArgs>? Motion;

    /// <summary>Raised when motion ends (the line stayed inactive for the hold time).</summary>
    public event EventHandler<DeviceEventArgs>? Idle;

    /// <summary>The GPIO line.</summary>
    public int Pin { get; }

    /// <summary>The mode the line was opened with (a pull resistor, or plain input when the driver cannot set bias).</summary>
    public PinMode Mode => _input.Mode;

    /// <summary>True from motion start until the hold time has passed with the line inactive.</summary>
    public bool IsMotion
    {
        get
        {
            lock (_gate)
            {
                return _motion;
            }
        }
    }

    /// <summary>When the line last went active or inactive (the latest trigger or its end); null before any motion.</summary>
    public DateTimeOffset? LastMotionAt
    {
        get
        {
            lock (_gate)
            {
                return _lastMotionAt;
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _input.Changed -= OnInputChanged;
        _input.Dispose();
        _holdTimer.Dispose();
    }

    private void OnInputChanged(bool active, DateTimeOffset at)
    {
        var started = false;
        var ended = false;
        lock (_gate)
        {
            _lastMotionAt = at;
            if (active)
            {
                _holdTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                started = !_motion;
                _motion = true;
            }
            else if (_hold <= TimeSpan.Zero)
            {
                ended = _motion;
                _motion = false;
            }
            else
            {
                _inactiveSince = at;
                _holdTimer.Change(_hold, Timeout.InfiniteTimeSpan);
            }
        }

        Raise(started ? Motion : ended ? Idle : null, at);
    }

    private void OnHoldElapsed()
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            // A stale timer (re-armed by a later edge while this callback was queued) must not cut motion short.
            if (!_motion || _input.IsActive || now - _inactiveSince < _hold)
            {
                return;
            }

            _motion = false;
        }

        Raise(Idle, now);
    }

    private void Raise(EventHandler<DeviceEventArgs>? handler, DateTimeOffset at) => handler?.Invoke(this, new DeviceEventArgs(at));
}
