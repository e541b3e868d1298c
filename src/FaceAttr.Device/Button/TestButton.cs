using System.Device.Gpio;

namespace FaceAttr.Device;

/// <summary>
/// The installer's test button: raises <see cref="Pressed"/> once per debounced press (the daemon publishes a test
/// event so an installer can check the whole path to the subscriber without standing in front of the camera).
/// </summary>
/// <remarks>
/// Opens its pin with a pull-up (active-low, the default) or pull-down; a driver that cannot set bias falls back to
/// plain input (<see cref="Mode"/>), which then needs an external resistor. Closes the pin on dispose; the caller keeps
/// owning the <see cref="GpioController"/>. <see cref="Pressed"/> is raised on the GPIO event thread or a timer thread.
/// </remarks>
public sealed class TestButton : IDisposable
{
    private readonly DebouncedInput _input;

    /// <summary>Opens <paramref name="pin"/> on <paramref name="controller"/> as a button input.</summary>
    /// <param name="controller">The GPIO controller; not disposed by the button.</param>
    /// <param name="pin">Logical (BCM / gpiochip line) number.</param>
    /// <param name="settings">Polarity and debounce.</param>
    /// <param name="time">Clock for the debounce; <see cref="TimeProvider.System"/> on a device.</param>
    public TestButton(GpioController controller, int pin, TestButtonSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        Pin = pin;
        var pull = settings.ActiveLow ? PinMode.InputPullUp : PinMode.InputPullDown;
        _input = new DebouncedInput(controller, pin, pull, settings.ActiveLow, settings.Debounce, time);
        _input.Changed += OnChanged;
    }

    /// <summary>Raised once per press, when the pressed level has held for the debounce time.</summary>
    public event EventHandler<DeviceEventArgs>? Pressed;

    /// <summary>The GPIO line.</summary>
    public int Pin { get; }

    /// <summary>The mode the line was opened with (pull-up/pull-down, or plain input when the driver cannot set bias).</summary>
    public PinMode Mode => _input.Mode;

    /// <summary>True while the button is held down (debounced).</summary>
    public bool IsPressed => _input.IsActive;

    /// <inheritdoc/>
    public void Dispose()
    {
        _input.Changed -= OnChanged;
        _input.Dispose();
    }

    private void OnChanged(bool pressed, DateTimeOffset at)
    {
        if (pressed)
        {
            Pressed?.Invoke(this, new DeviceEventArgs(at));
        }
    }
}
