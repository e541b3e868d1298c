using FaceAttr.Training.Native;

namespace FaceAttr.Training.Tests;

/// <summary>Makes libtorch loadable (the libstdc++ compatibility step where needed) before any test touches torch.</summary>
internal static class TorchFixture
{
    private static readonly Lazy<TorchRuntimeInfo> Info = new(() => TorchRuntime.Initialize(Math.Min(2, Environment.ProcessorCount)));

    public static TorchRuntimeInfo Ensure() => Info.Value;
}
