using System.Device.Gpio;

namespace FaceAttr.Device;

/// <summary>
/// A <see cref="GpioDriver"/> with no hardware behind it: each line has a mode, an output latch, an optional external
/// signal (what a sensor or switch drives onto the pin) and pull resistors, and raises edge events when its level
/// changes. Put behind a <see cref="GpioController"/> it lets the device classes run the same code paths as on a board,
/// in tests and on machines without <c>/dev/gpiochip*</c> (the emulated CI run).
/// </summary>
/// <remarks>
/// Levels are physical: a button wired to ground with a pull-up reads high until <see cref="Drive"/> pulls it low;
/// active-low logic belongs to the classes using the pin, exactly as on a board. Edge callbacks run synchronously on
/// the thread that calls <see cref="Drive"/> or <see cref="Release"/>, so a test sees their effect when the call
/// returns. Thread-safe. Disposed by the <see cref="GpioController"/> that owns it.
/// </remarks>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly Lock _gate = new();
    private readonly SimulatedPin[] _pins;
    private readonly TimeProvider _time;
    private readonly bool _supportsPullResistors;
    private readonly List<PinWrite> _writes = [];
    private readonly Dictionary<int, string> _busy = [];

    /// <summary>Creates a driver with <paramref name="pinCount"/> lines (default 28: GPIO 0–27 of a Raspberry Pi header).</summary>
    /// <param name="pinCount">Number of lines, 1–1024.</param>
    /// <param name="time">Clock stamped on recorded writes; the system clock when null.</param>
    /// <param name="supportsPullResistors">
    /// False to behave like the legacy sysfs driver, which cannot set bias: pull-up and pull-down modes are then unsupported.
    /// </param>
    public SimulatedGpioDriver(int pinCount = 28, TimeProvider? time = null, bool supportsPullResistors = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pinCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pinCount, 1024);
        _pins = new SimulatedPin[pinCount];
        for (var i = 0; i < pinCount; i++)
        {
            _pins[i] = new SimulatedPin();
        }

        _time = time ?? TimeProvider.System;
        _supportsPullResistors = supportsPullResistors;
    }

    /// <summary>True once the driver has been disposed (normally by its controller).</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Number of lines currently open.</summary>
    public int OpenPinCount
    {
        get
        {
            lock (_gate)
            {
                return _pins.Count(p => p.IsOpen);
            }
        }
    }

    /// <summary>Every value written to an output line, in order, with the time of the driver's clock.</summary>
    public IReadOnlyList<PinWrite> Writes
    {
        get
        {
            lock (_gate)
            {
                return [.. _writes];
            }
        }
    }

    /// <inheritdoc/>
    protected override int PinCount => _pins.Length;

    /// <summary>Makes <paramref name="pinNumber"/> fail to open, as a line held by another process does (libgpiod: "Device or resource busy").</summary>
    public void MakeBusy(int pinNumber, string reason = "Device or resource busy")
    {
        ArgumentNullException.ThrowIfNull(reason);
        lock (_gate)
        {
            _ = Pin(pinNumber);
            _busy[pinNumber] = reason;
        }
    }

    /// <summary>True while <paramref name="pinNumber"/> is open.</summary>
    public bool IsOpen(int pinNumber)
    {
        lock (_gate)
        {
            return Pin(pinNumber).IsOpen;
        }
    }

    /// <summary>The mode <paramref name="pinNumber"/> was last set to.</summary>
    public PinMode ModeOf(int pinNumber)
    {
        lock (_gate)
        {
            return Pin(pinNumber).Mode;
        }
    }

    /// <summary>The physical level of <paramref name="pinNumber"/> now (output latch, external signal or pull).</summary>
    public PinValue LevelOf(int pinNumber)
    {
        lock (_gate)
        {
            return Pin(pinNumber).Level;
        }
    }

    /// <summary>Number of edge callbacks registered on <paramref name="pinNumber"/>.</summary>
    public int CallbackCount(int pinNumber)
    {
        lock (_gate)
        {
            return Pin(pinNumber).Callbacks.Count;
        }
    }

    /// <summary>
    /// Drives <paramref name="pinNumber"/> from outside to <paramref name="value"/> (a PIR output going high, a button
    /// shorting the line to ground); raises the edge callbacks of an open input when its level changes.
    /// </summary>
    public void Drive(int pinNumber, PinValue value) => SetExternal(pinNumber, value);

    /// <summary>Stops driving <paramref name="pinNumber"/> (a released button): the pull resistor decides its level again.</summary>
    public void Release(int pinNumber) => SetExternal(pinNumber, null);

    /// <inheritdoc/>
    protected override void OpenPin(int pinNumber)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            var pin = Pin(pinNumber);
            if (_busy.TryGetValue(pinNumber, out var reason))
            {
                throw new IOException($"GPIO line {pinNumber}: {reason}");
            }

            pin.IsOpen = true;
            pin.Mode = PinMode.Input;
        }
    }

    /// <inheritdoc/>
    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            var pin = Pin(pinNumber);
            pin.IsOpen = false;
            pin.Mode = PinMode.Input;
            pin.Callbacks.Clear();
        }
    }

    /// <inheritdoc/>
    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            var pin = OpenPinOrThrow(pinNumber);
            if (!Supports(mode))
            {
                throw new InvalidOperationException($"GPIO line {pinNumber} does not support mode {mode}");
            }

            pin.Mode = mode;
        }
    }

    /// <inheritdoc/>
    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        // Latch before switching to output, as libgpiod requests the line with its initial value: no glitch.
        lock (_gate)
        {
            OpenPinOrThrow(pinNumber).Output = initialValue;
        }

        SetPinMode(pinNumber, mode);
    }

    /// <inheritdoc/>
    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate)
        {
            return OpenPinOrThrow(pinNumber).Mode;
        }
    }

    /// <inheritdoc/>
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            _ = Pin(pinNumber);
            return Supports(mode);
        }
    }

    /// <inheritdoc/>
    protected override PinValue Read(int pinNumber)
    {
        lock (_gate)
        {
            return OpenPinOrThrow(pinNumber).Level;
        }
    }

    /// <inheritdoc/>
    protected override void Write(int pinNumber, PinValue value)
    {
        lock (_gate)
        {
            var pin = OpenPinOrThrow(pinNumber);
            pin.Output = value;
            _writes.Add(new PinWrite(_time.GetUtcNow(), pinNumber, value));
        }
    }

    /// <inheritdoc/>
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        var fired = new TaskCompletionSource<PinEventTypes>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnEdge(object sender, PinValueChangedEventArgs e) => fired.TrySetResult(e.ChangeType);
        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, OnEdge);
        try
        {
            fired.Task.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = fired.Task.Result, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            // The GpioDriver contract reports a timeout (cancellation) as a result, not an exception.
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, OnEdge);
        }
    }

    /// <inheritdoc/>
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_gate)
        {
            OpenPinOrThrow(pinNumber).Callbacks.Add((eventTypes, callback));
        }
    }

    /// <inheritdoc/>
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            Pin(pinNumber).Callbacks.RemoveAll(c => c.Handler == callback);
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            foreach (var pin in _pins)
            {
                pin.IsOpen = false;
                pin.Callbacks.Clear();
            }

            IsDisposed = true;
        }

        base.Dispose(disposing);
    }

    private void SetExternal(int pinNumber, PinValue? value)
    {
        (PinEventTypes Types, PinChangeEventHandler Handler)[] toCall;
        PinEventTypes edge;
        lock (_gate)
        {
            var pin = Pin(pinNumber);
            var before = pin.Level;
            pin.External = value;
            var after = pin.Level;
            if (!pin.IsOpen || pin.Mode == PinMode.Output || before == after)
            {
                return;
            }

            edge = after == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            toCall = [.. pin.Callbacks.Where(c => (c.Types & edge) != 0)];
        }

        // Outside the lock: a handler may read the pin or register callbacks, as real handlers do.
        var args = new PinValueChangedEventArgs(edge, pinNumber);
        foreach (var (_, handler) in toCall)
        {
            handler(this, args);
        }
    }

    private bool Supports(PinMode mode) =>
        mode is PinMode.Input or PinMode.Output || (_supportsPullResistors && mode is PinMode.InputPullUp or PinMode.InputPullDown);

    private SimulatedPin Pin(int pinNumber)
    {
        if ((uint)pinNumber >= (uint)_pins.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(pinNumber), pinNumber, $"the simulated chip has lines 0–{_pins.Length - 1}");
        }

        return _pins[pinNumber];
    }

    private SimulatedPin OpenPinOrThrow(int pinNumber)
    {
        var pin = Pin(pinNumber);
        return pin.IsOpen ? pin : throw new InvalidOperationException($"GPIO line {pinNumber} is not open");
    }

    private sealed class SimulatedPin
    {
        public bool IsOpen { get; set; }

        public PinMode Mode { get; set; } = PinMode.Input;

        public PinValue Output { get; set; } = PinValue.Low;

        public PinValue? External { get; set; }

        public List<(PinEventTypes Types, PinChangeEventHandler Handler)> Callbacks { get; } = [];

        // An output drives its latch; an input follows what drives it, else its pull resistor; a floating input reads low.
        public PinValue Level => Mode switch
        {
            PinMode.Output => Output,
            _ when External is { } driven => driven,
            PinMode.InputPullUp => PinValue.High,
            _ => PinValue.Low,
        };
    }
}
