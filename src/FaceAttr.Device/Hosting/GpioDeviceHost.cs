using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Runtime.InteropServices;

namespace FaceAttr.Device;

/// <summary>
/// Opens the GPIO parts named in <see cref="DeviceOptions"/> on one <see cref="GpioController"/> and owns them. A board
/// without GPIO, a missing libgpiod, a permission problem or a busy line never throws: the part is left null and
/// the reason is in <see cref="Problems"/> (<c>gpio unavailable: …</c>) for the daemon to log and publish. Invalid
/// options do throw (<see cref="DeviceOptionsException"/>), as every options type does at start.
/// </summary>
/// <remarks>
/// Owns the controller returned by the factory and every part; <see cref="Dispose"/> turns the LED off, closes the
/// pins and disposes the controller (and with it the driver). <see cref="Presence"/> always exists: without a working
/// motion sensor it is always awake, so a GPIO fault can never stop the camera.
/// </remarks>
public sealed class GpioDeviceHost : IDisposable
{
    private readonly List<string> _problems = [];

    private GpioDeviceHost(TimeSpan idleAfter, GpioController? controller, MotionSensor? motion, StatusLed? led, TestButton? button, List<string> problems)
    {
        Controller = controller;
        Motion = motion;
        Led = led;
        Button = button;
        _problems = problems;
        Presence = new PresenceGate(motion, idleAfter);
    }

    /// <summary>The controller, or null when no pin is configured or GPIO could not be opened.</summary>
    public GpioController? Controller { get; }

    /// <summary>The PIR sensor, or null when not configured or it failed to open.</summary>
    public MotionSensor? Motion { get; }

    /// <summary>The status LED, or null when not configured or it failed to open.</summary>
    public StatusLed? Led { get; }

    /// <summary>The installer's test button, or null when not configured or it failed to open.</summary>
    public TestButton? Button { get; }

    /// <summary>Whether the camera should capture; driven by <see cref="Motion"/> when there is one, else always awake.</summary>
    public PresenceGate Presence { get; }

    /// <summary>What could not be opened and why, each starting <c>gpio unavailable:</c>; empty when all is well.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>
    /// Validates <paramref name="options"/>, creates the controller (only if a pin is set) and opens each configured part.
    /// </summary>
    /// <param name="options">The <c>FaceAttr:Device</c> options.</param>
    /// <param name="time">Clock for debounce, hold and LED patterns (the idle countdown runs on frame times); <see cref="TimeProvider.System"/> on a device.</param>
    /// <param name="controllerFactory">
    /// Makes the controller; null uses <see cref="CreateController"/>. Tests pass <c>() =&gt; new GpioController(simulatedDriver)</c>.
    /// The host owns and disposes what it returns.
    /// </param>
    /// <exception cref="DeviceOptionsException">An option is invalid.</exception>
    public static GpioDeviceHost Open(DeviceOptions options, TimeProvider time, Func<GpioController>? controllerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        var idleAfter = TimeSpan.FromSeconds(options.IdleAfterSeconds);
        var problems = new List<string>();
        if (!options.HasAnyPin)
        {
            return new GpioDeviceHost(idleAfter, null, null, null, null, problems);
        }

        GpioController controller;
        try
        {
            controller = (controllerFactory ?? (() => CreateController(options)))();
        }
        catch (Exception ex) when (IsHardwareFault(ex))
        {
            problems.Add($"gpio unavailable: {Describe(ex)}");
            return new GpioDeviceHost(idleAfter, null, null, null, null, problems);
        }

        var motion = options.MotionPin is { } motionPin
            ? TryOpen($"motion sensor on GPIO{motionPin}", problems, () => new MotionSensor(controller, motionPin, options.ToMotionSensorSettings(), time))
            : null;
        var ledSettings = options.ToStatusLedSettings();
        var led = ledSettings.Pin is not null || ledSettings.RedPin is not null || ledSettings.GreenPin is not null || ledSettings.BluePin is not null
            ? TryOpen("status LED", problems, () => new StatusLed(controller, ledSettings, time))
            : null;
        var button = options.ButtonPin is { } buttonPin
            ? TryOpen($"test button on GPIO{buttonPin}", problems, () => new TestButton(controller, buttonPin, options.ToTestButtonSettings(), time))
            : null;
        return new GpioDeviceHost(idleAfter, controller, motion, led, button, problems);
    }

    /// <summary>
    /// The controller for a board: simulated when <see cref="DeviceOptions.Simulated"/>, libgpiod on
    /// <see cref="DeviceOptions.GpioChip"/> when set, else System.Device.Gpio's pick for the board.
    /// </summary>
    public static GpioController CreateController(DeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Simulated)
        {
            return new GpioController(new SimulatedGpioDriver());
        }

        return options.GpioChip is { } chip ? new GpioController(new LibGpiodDriver(chip)) : new GpioController();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Consumers first, then the pins' owners, then the controller (which disposes its driver).
        Presence.Dispose();
        Button?.Dispose();
        Led?.Dispose();
        Motion?.Dispose();
        Controller?.Dispose();
    }

    private static T? TryOpen<T>(string part, List<string> problems, Func<T> open)
        where T : class
    {
        try
        {
            return open();
        }
        catch (Exception ex) when (IsHardwareFault(ex))
        {
            problems.Add($"gpio unavailable: {part}: {Describe(ex)}");
            return null;
        }
    }

    // What drivers throw on a board without GPIO, without libgpiod, without permission, or for a busy or absent line.
    // Anything else is a bug and propagates.
    private static bool IsHardwareFault(Exception ex) => ex is GpiodException or IOException or UnauthorizedAccessException
        or PlatformNotSupportedException or NotSupportedException or InvalidOperationException or ArgumentException
        or DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or ExternalException;

    // One line for the log and the status topic: loader errors (a missing libgpiod) run to a dozen lines of probed paths.
    private static string Describe(Exception ex) =>
        ex.InnerException is { } inner ? $"{FirstLine(ex.Message)} ({FirstLine(inner.Message)})" : FirstLine(ex.Message);

    private static string FirstLine(string message)
    {
        var line = message.AsSpan();
        var end = line.IndexOfAny('\r', '\n');
        line = (end >= 0 ? line[..end] : line).TrimEnd(" :");
        return line.Length > 240 ? $"{line[..240]}…" : line.ToString();
    }
}
