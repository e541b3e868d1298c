namespace FaceAttr.Device;

/// <summary>
/// Decides whether the camera pipeline should run: awake on motion, asleep after <c>idleAfter</c> with neither motion
/// nor faces. Without a motion sensor it is always awake, so a board without a PIR behaves as before.
/// </summary>
/// <remarks>
/// <para>
/// Wake comes from the sensor (<see cref="Wake"/> is raised on its thread the moment motion starts), because an idle
/// camera delivers no frames to notice anything with. Sleep is decided in <see cref="ShouldCapture"/>, which the
/// pipeline calls per frame while awake and which is the only place that knows whether faces are present.
/// </para>
/// <para>
/// The idle countdown starts when activity last stopped: the end of motion (after the sensor's hold), the last frame
/// with faces, or a <see cref="NotifyActivity"/> call. It starts awake and the first countdown starts at the first
/// frame, not at construction, so a freshly started device analyses frames for <c>idleAfter</c> even in an empty room
/// (installers see it working) however long its models took to load: a slow board that counted from construction
/// could go to sleep on its first frame without ever looking at the people in front of it. Thread-safe.
/// </para>
/// </remarks>
public sealed class PresenceGate : IDisposable
{
    private readonly Lock _gate = new();
    private readonly MotionSensor? _sensor;
    private readonly TimeSpan _idleAfter;
    private DateTimeOffset _lastActivity = DateTimeOffset.MinValue;
    private bool _awake = true;
    private bool _sawFrame;

    /// <summary>Creates the gate and subscribes to <paramref name="sensor"/> (unsubscribed on dispose; the sensor is not disposed).</summary>
    /// <param name="sensor">The PIR sensor, or null when none is fitted (then always awake).</param>
    /// <param name="idleAfter">Time without motion and faces before the pipeline may sleep; more than zero.</param>
    public PresenceGate(MotionSensor? sensor, TimeSpan idleAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleAfter, TimeSpan.Zero);
        _sensor = sensor;
        _idleAfter = idleAfter;
        if (sensor is not null)
        {
            sensor.Motion += OnMotion;
            sensor.Idle += OnIdle;
        }
    }

    /// <summary>Raised when the pipeline should start capturing again (motion, or <see cref="NotifyActivity"/>, while asleep).</summary>
    public event EventHandler<DeviceEventArgs>? Wake;

    /// <summary>Raised from <see cref="ShouldCapture"/> when the pipeline may stop capturing.</summary>
    public event EventHandler<DeviceEventArgs>? Sleep;

    /// <summary>True when a motion sensor drives the gate; false = always awake.</summary>
    public bool HasSensor => _sensor is not null;

    /// <summary>True while the pipeline should capture.</summary>
    public bool IsAwake
    {
        get
        {
            lock (_gate)
            {
                return _awake;
            }
        }
    }

    /// <summary>
    /// Called by the pipeline per frame (or per poll while idle): true when it should keep capturing. Faces in the
    /// frame, or motion still in progress, restart the idle countdown; when the countdown has run out the gate goes
    /// to sleep (raising <see cref="Sleep"/>) and returns false until motion wakes it.
    /// </summary>
    /// <param name="now">The frame's time, on the same clock as the sensor.</param>
    /// <param name="facesPresent">Whether the latest frame has faces (tracked people count too).</param>
    public bool ShouldCapture(DateTimeOffset now, bool facesPresent)
    {
        if (_sensor is null)
        {
            return true;
        }

        var wake = false;
        var sleep = false;
        bool awake;
        lock (_gate)
        {
            if (!_sawFrame)
            {
                // The first frame starts the first countdown (see remarks).
                _sawFrame = true;
                _lastActivity = Max(_lastActivity, now);
            }

            if (facesPresent || _sensor.IsMotion)
            {
                _lastActivity = Max(_lastActivity, now);
                wake = !_awake;
                _awake = true;
            }
            else if (_awake && now - _lastActivity >= _idleAfter)
            {
                _awake = false;
                sleep = true;
            }

            awake = _awake;
        }

        if (wake)
        {
            Wake?.Invoke(this, new DeviceEventArgs(now));
        }

        if (sleep)
        {
            Sleep?.Invoke(this, new DeviceEventArgs(now));
        }

        return awake;
    }

    /// <summary>Counts as activity at <paramref name="at"/>: wakes the gate (raising <see cref="Wake"/> if asleep) and restarts the countdown.</summary>
    /// <remarks>For the installer's test button or a remote "wake" command.</remarks>
    public void NotifyActivity(DateTimeOffset at)
    {
        bool wake;
        lock (_gate)
        {
            _lastActivity = Max(_lastActivity, at);
            wake = !_awake;
            _awake = true;
        }

        if (wake)
        {
            Wake?.Invoke(this, new DeviceEventArgs(at));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_sensor is not null)
        {
            _sensor.Motion -= OnMotion;
            _sensor.Idle -= OnIdle;
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private void OnMotion(object? sender, DeviceEventArgs e) => NotifyActivity(e.At);

    private void OnIdle(object? sender, DeviceEventArgs e)
    {
        lock (_gate)
        {
            _lastActivity = Max(_lastActivity, e.At);
        }
    }
}
