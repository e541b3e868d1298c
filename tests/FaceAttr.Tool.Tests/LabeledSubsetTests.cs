using FaceAttr.Datasets;
using FaceAttr.Tool.Eval;

namespace FaceAttr.Tool.Tests;

public sealed class LabeledSubsetTests
{
    private static readonly LabeledFace[] Ten = Enumerable.Range(0, 10).Select(i => new LabeledFace($"{i}.jpg") { AgeYears = i }).ToArray();

    [Fact]
    public void PicksEvenlySpacedFacesInOrder()
    {
        Assert.Equal([0, 3, 6], LabeledSubset.EvenlySpaced(Ten, 3).Select(f => f.AgeYears!.Value));
        Assert.Equal([0, 2, 4, 6, 8], LabeledSubset.EvenlySpaced(Ten, 5).Select(f => f.AgeYears!.Value));
        Assert.Equal(LabeledSubset.EvenlySpaced(Ten, 4), LabeledSubset.EvenlySpaced(Ten, 4));
    }

    [Fact]
    public void ReturnsAllWhenTheSetIsSmallAndRejectsNonPositiveCounts()
    {
        Assert.Same(Ten, LabeledSubset.EvenlySpaced(Ten, 10));
        Assert.Same(Ten, LabeledSubset.EvenlySpaced(Ten, 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => LabeledSubset.EvenlySpaced(Ten, 0));
    }
}
