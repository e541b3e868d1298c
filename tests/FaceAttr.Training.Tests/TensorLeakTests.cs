using FaceAttr.Training.Network;
using static TorchSharp.torch;

namespace FaceAttr.Training.Tests;

/// <summary>
/// Tensor.TotalCount is process-wide, so a leak check must not share the process's time with other torch tests: the
/// collection disables parallelization (xunit runs it alone, after the parallel ones).
/// </summary>
[CollectionDefinition(nameof(TensorLeakTests), DisableParallelization = true)]
public sealed class TensorLeakTestGroup;

/// <summary>Forward passes free every intermediate tensor.</summary>
[Collection(nameof(TensorLeakTests))]
public sealed class TensorLeakTests
{
    public TensorLeakTests() => TorchFixture.Ensure();

    [Fact]
    public void ForwardLeaksNoTensors()
    {
        using var net = new FaceAttrNet(new NetworkOptions { InputSize = 32, Widths = [8, 12, 16], FeatureSize = 16 });
        using var input = randn(2, 3, 32, 32);
        using (var warm = NewDisposeScope())
        {
            net.forward(input);
        }

        var before = Tensor.TotalCount;
        using (var scope = NewDisposeScope())
        {
            net.forward(input);
        }

        Assert.Equal(before, Tensor.TotalCount);
    }
}
