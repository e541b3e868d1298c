using FaceAttr.Bundles.Versioning;

namespace FaceAttr.Bundles.Tests;

public sealed class VersionTests
{
    [Theory]
    [InlineData("0.1.0", "0.2.0")]
    [InlineData("0.9.0", "0.10.0")]
    [InlineData("1.0.0-rc.1", "1.0.0")]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1")]
    [InlineData("1.0.0-alpha.1", "1.0.0-alpha.beta")]
    [InlineData("1.0.0-beta.2", "1.0.0-beta.11")]
    [InlineData("1.2.3", "2.0.0")]
    public void OrdersBySemverPrecedence(string older, string newer)
    {
        Assert.True(BundleVersion.Parse(older) < BundleVersion.Parse(newer));
        Assert.True(BundleVersion.Parse(newer) > BundleVersion.Parse(older));
    }

    [Fact]
    public void BuildMetadataIsIgnored() => Assert.Equal(BundleVersion.Parse("1.0.0+abc"), BundleVersion.Parse("1.0.0+def"));

    [Theory]
    [InlineData("1.0")]
    [InlineData("01.0.0")]
    [InlineData("1.0.0-")]
    [InlineData("v1.0.0")]
    [InlineData("")]
    public void RejectsNonSemver(string text) => Assert.False(BundleVersion.TryParse(text, out _));

    [Fact]
    public void RuntimeVersionComesFromTheAssembly() => Assert.True(BundleVersion.Runtime >= BundleVersion.Parse("0.1.0"));
}
