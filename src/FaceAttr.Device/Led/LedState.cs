namespace FaceAttr.Device;

/// <summary>What the status LED shows. Blink timings are listed on <see cref="StatusLed"/>.</summary>
public enum LedState
{
    /// <summary>Dark: the daemon is not running (or is shutting down).</summary>
    Off,

    /// <summary>Slow blink: starting (loading models, opening the camera, first broker connect).</summary>
    Starting,

    /// <summary>Steady: running and connected to the broker.</summary>
    Online,

    /// <summary>Fast blink: running but the broker connection is lost (events are queued).</summary>
    BrokerLost,

    /// <summary>Double blink: online and a face is in view (installers use it to aim the camera).</summary>
    FacePresent,
}
