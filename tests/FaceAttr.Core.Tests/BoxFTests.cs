using FaceAttr.Core.Imaging;

namespace FaceAttr.Core.Tests;

public sealed class BoxFTests
{
    [Fact]
    public void IoUOfIdenticalDisjointAndHalfOverlappingBoxes()
    {
        var a = new BoxF(0, 0, 10, 10);
        Assert.Equal(1f, a.IoU(a), 5);
        Assert.Equal(0f, a.IoU(new BoxF(20, 20, 5, 5)));
        Assert.Equal(50f / 150f, a.IoU(new BoxF(5, 0, 10, 10)), 5);
    }
}
