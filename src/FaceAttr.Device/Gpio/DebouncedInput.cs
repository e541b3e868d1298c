using System.Device.Gpio;

namespace FaceAttr.Device;

/// <summary>
/// One input line, debounced: an edge (re)starts a timer and the level is accepted only once it has held for the
/// debounce time. Settling rather than locking out after the first edge rejects both contact bounce and short spikes
/// picked up on long PIR/button wires, at the cost of reacting one debounce time later.
/// </summary>
/// <remarks>
/// Opens the pin on construction and closes it on dispose; never disposes the controller. <see cref="Changed"/> is
/// raised on the GPIO driver's event thread (no debounce) or a timer thread; handlers must be quick.
/// </remarks>
internal sealed class DebouncedInput : IDisposable
{
    private readonly Lock _gate = new();
    private readonly GpioController _controller;
    private readonly int _pin;
    private readonly bool _activeLow;
    private readonly TimeSpan _debounce;
    private readonly TimeProvider _time;
    private readonly ITimer _settle;
    private readonly PinChangeEventHandler _onEdge;
    private bool _active;
    private bool _disposed;

    public DebouncedInput(GpioController controller, int pin, PinMode preferredMode, bool activeLow, TimeSpan debounce, TimeProvider time)
    {
        _controller = controller;
        _pin = pin;
        _activeLow = activeLow;
        _debounce = debounce;
        _time = time;
        _onEdge = OnEdge;

        // A driver without bias control (the legacy sysfs driver) still works with an external resistor.
        Mode = controller.IsPinModeSupported(pin, preferredMode) ? preferredMode : PinMode.Input;
        controller.OpenPin(pin, Mode);
        try
        {
            _active = IsActiveLevel(controller.Read(pin));
            _settle = time.CreateTimer(_ => Evaluate(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            controller.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Rising | PinEventTypes.Falling, _onEdge);
        }
        catch
        {
            controller.ClosePin(pin);
            throw;
        }
    }

    /// <summary>Raised when the debounced level changes: true = active, with the time it was accepted.</summary>
    public event Action<bool, DateTimeOffset>? Changed;

    /// <summary>The mode the pin was opened with (the preferred one, or plain input when the driver lacks it).</summary>
    public PinMode Mode { get; }

    /// <summary>The debounced level: true when the input is active (honouring active-low).</summary>
    public bool IsActive
    {
        get
        {
            lock (_gate)
            {
                return _active;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // Set under the lock so that no Evaluate reads the pin after it is closed below.
            _disposed = true;
        }

        _settle.Dispose();
        _controller.UnregisterCallbackForPinValueChangedEvent(_pin, _onEdge);
        _controller.ClosePin(_pin);
    }

    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        if (_debounce <= TimeSpan.Zero)
        {
            Evaluate();
            return;
        }

        lock (_gate)
        {
            if (!_disposed)
            {
                _settle.Change(_debounce, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void Evaluate()
    {
        bool active;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // Read the line rather than trusting the edge type: after bounces only the settled level matters.
            active = IsActiveLevel(_controller.Read(_pin));
            if (active == _active)
            {
                return;
            }

            _active = active;
        }

        Changed?.Invoke(active, _time.GetUtcNow());
    }

    private bool IsActiveLevel(PinValue value) => (value == PinValue.High) != _activeLow;
}
