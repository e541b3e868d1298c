namespace FaceAttr.Device;

/// <summary>One step of a <see cref="LedPattern"/>: lit or dark for <see cref="Duration"/> (infinite = steady).</summary>
internal readonly record struct LedStep(bool On, TimeSpan Duration);
