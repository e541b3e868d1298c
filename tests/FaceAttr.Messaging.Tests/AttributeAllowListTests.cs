namespace FaceAttr.Messaging.Tests;

public class AttributeAllowListTests
{
    [Fact]
    public void Empty_list_allows_everything_and_returns_the_same_event()
    {
        var e = SampleEvents.Enter("k", 1);
        Assert.Same(e, new AttributeAllowList([]).Apply(e, out var removed));
        Assert.Equal(0, removed);
        Assert.True(AttributeAllowList.AllowAll.AllowsAll);
    }

    [Fact]
    public void Gender_and_age_are_removed_when_the_site_does_not_allow_them()
    {
        var list = new AttributeAllowList(["expression", "smile", "eyewear"]);
        var e = SampleEvents.Enter("k", 1);
        var filtered = list.Apply(e, out var removed);
        Assert.Equal(2, removed);
        Assert.Equal(["expression", "eyewear", "smile"], filtered.Attributes.Keys.Order());
        Assert.Equal(5, e.Attributes.Count);
        var json = System.Text.Encoding.UTF8.GetString(PayloadSerializer.SerializeEvent(filtered));
        Assert.DoesNotContain("gender", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"age\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("female", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_whose_head_field_is_disallowed_is_removed_even_under_an_allowed_key()
    {
        var e = SampleEvents.Enter("k", 1) with
        {
            Attributes = new Dictionary<string, Core.Faces.AttributeValue>
            {
                ["expression"] = new() { Head = "gender", Label = "male", Probability = 0.9f },
            },
        };
        Assert.Empty(new AttributeAllowList(["expression"]).Apply(e, out _).Attributes);
    }
}
