namespace FaceAttr.Device;

/// <summary>A device event (motion, idle, button press, wake, sleep) and when it happened.</summary>
/// <param name="at">Time of the event on the component's <see cref="TimeProvider"/>.</param>
public sealed class DeviceEventArgs(DateTimeOffset at) : EventArgs
{
    /// <summary>Time of the event on the component's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset At { get; } = at;
}
