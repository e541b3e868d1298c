using FaceAttr.Vision.Detection;

namespace FaceAttr.Vision.Tests.Detection;

public sealed class DetectorOptionsTests
{
    [Fact]
    public void DefaultsAreValid()
    {
        var options = new DetectorOptions();
        options.Validate();
        Assert.Equal(0.5f, options.MinScore);
        Assert.Equal(0.3f, options.NmsIoU);
    }

    public static TheoryData<DetectorOptions, string> BadOptions() => new()
    {
        { new DetectorOptions { MinScore = -0.1f }, nameof(DetectorOptions.MinScore) },
        { new DetectorOptions { MinScore = 1.5f }, nameof(DetectorOptions.MinScore) },
        { new DetectorOptions { MinScore = float.NaN }, nameof(DetectorOptions.MinScore) },
        { new DetectorOptions { NmsIoU = 0f }, nameof(DetectorOptions.NmsIoU) },
        { new DetectorOptions { NmsIoU = 1.01f }, nameof(DetectorOptions.NmsIoU) },
        { new DetectorOptions { MaxFaces = 0 }, nameof(DetectorOptions.MaxFaces) },
        { new DetectorOptions { MaxFaces = 1001 }, nameof(DetectorOptions.MaxFaces) },
        { new DetectorOptions { MinFaceSize = -1f }, nameof(DetectorOptions.MinFaceSize) },
        { new DetectorOptions { MinFaceSize = float.PositiveInfinity }, nameof(DetectorOptions.MinFaceSize) },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void OutOfRangeFieldIsNamed(DetectorOptions options, string field)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(field, ex.ParamName);
    }
}
