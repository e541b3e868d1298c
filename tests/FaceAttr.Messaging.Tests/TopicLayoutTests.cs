namespace FaceAttr.Messaging.Tests;

public class TopicLayoutTests
{
    private readonly TopicLayout _topics = new("faceattr", "kiosk-1");

    [Fact]
    public void Device_topics_follow_the_design()
    {
        Assert.Equal("faceattr/kiosk-1/status", _topics.Status);
        Assert.Equal("faceattr/kiosk-1/events", _topics.Events);
        Assert.Equal("faceattr/kiosk-1/stats", _topics.Stats);
        Assert.Equal("faceattr/kiosk-1/update", _topics.Update);
        Assert.Equal("faceattr/kiosk-1/cmd/ping", _topics.Command("ping"));
        Assert.Equal("faceattr/kiosk-1/cmd/+", _topics.CommandFilter);
        Assert.Equal("faceattr/kiosk-1/cmd/ping/reply", _topics.CommandReplyFallback("ping"));
        Assert.Equal("faceattr/fleet/lobby/cmd/ping", _topics.FleetCommand("lobby", "ping"));
        Assert.Equal("faceattr/fleet/lobby/cmd/+", _topics.FleetCommandFilter("lobby"));
    }

    [Fact]
    public void A_subscriber_layout_may_use_the_device_wildcard()
    {
        var all = new TopicLayout("site/a", TopicLayout.AnyDevice);
        Assert.Equal("site/a/+/events", all.Events);
    }

    [Theory]
    [InlineData("faceattr/kiosk-1/cmd/ping", true, "ping", null)]
    [InlineData("faceattr/kiosk-1/cmd/Not A Verb", true, "Not A Verb", null)]
    [InlineData("faceattr/fleet/lobby/cmd/update", true, "update", "lobby")]
    [InlineData("faceattr/kiosk-1/cmd/ping/reply", false, "", null)]
    [InlineData("faceattr/kiosk-2/cmd/ping", false, "", null)]
    [InlineData("faceattr/kiosk-1/events", false, "", null)]
    [InlineData("faceattr/fleet/lobby/cmd", false, "", null)]
    public void Command_topics_are_parsed(string topic, bool isCommand, string verb, string? group)
    {
        Assert.Equal(isCommand, _topics.TryParseCommand(topic, out var parsedVerb, out var parsedGroup));
        if (isCommand)
        {
            Assert.Equal(verb, parsedVerb);
            Assert.Equal(group, parsedGroup);
        }
    }

    [Theory]
    [InlineData("faceattr", "kiosk/1")]
    [InlineData("faceattr", "kiosk#")]
    [InlineData("faceattr", "fleet")]
    [InlineData("face+attr", "kiosk-1")]
    [InlineData("faceattr/", "kiosk-1")]
    public void Wildcards_and_separators_never_reach_a_topic(string prefix, string device) =>
        Assert.Throws<ArgumentException>(() => new TopicLayout(prefix, device));

    [Theory]
    [InlineData("Ping")]
    [InlineData("pi/ng")]
    [InlineData("+")]
    [InlineData("")]
    public void Invalid_verbs_are_refused(string verb) =>
        Assert.Throws<ArgumentException>(() => _topics.Command(verb));
}
