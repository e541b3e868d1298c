using FaceAttr.Core.Bundles;
using FaceAttr.Vision.Attributes;

namespace FaceAttr.Vision.Tests.Attributes;

/// <summary>Decoding of the heads a trained FaceAttrNet exports beside the imported models' ones.</summary>
public sealed class HeadDecoderTests
{
    [Fact]
    public void ALabelledSoftmaxHeadSuchAsEyewearGivesItsMostProbableLabel()
    {
        var output = new ModelOutput { Name = "eyewear", Kind = OutputKind.Softmax, Head = "eyewear", Labels = ["none", "eyeglasses", "sunglasses"], Size = 3 };
        var value = HeadDecoder.Decode(output, [0.2f, 0.1f, 0.7f], "net");
        Assert.Equal("sunglasses", value.Label);
        Assert.Equal(0.7f, value.Probability, 5);
        Assert.Equal([0.2f, 0.1f, 0.7f], value.Distribution);
    }

    [Fact]
    public void ASoftmaxWhoseLabelsDoNotMatchItsValuesIsRefused()
    {
        var output = new ModelOutput { Name = "eyewear", Kind = OutputKind.Softmax, Head = "eyewear", Labels = ["none", "eyeglasses"], Size = 3 };
        Assert.Throws<NotSupportedException>(() => HeadDecoder.Decode(output, [0.2f, 0.1f, 0.7f], "net"));
    }

    [Fact]
    public void AStagewiseAgeOutputIsReadAsYears()
    {
        var output = new ModelOutput { Name = "age", Kind = OutputKind.StagewiseAge, Head = "age", Size = 1 };
        var value = HeadDecoder.Decode(output, [34.5f], "net");
        Assert.Equal(34.5f, value.Value);
        Assert.Equal("30-39", value.Label);
    }
}
