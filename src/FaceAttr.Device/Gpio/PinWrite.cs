using System.Device.Gpio;

namespace FaceAttr.Device;

/// <summary>One value written to an output line of a <see cref="SimulatedGpioDriver"/>.</summary>
/// <param name="At">Time of the driver's clock when it was written.</param>
/// <param name="Pin">Line number.</param>
/// <param name="Value">Physical level written.</param>
public readonly record struct PinWrite(DateTimeOffset At, int Pin, PinValue Value);
