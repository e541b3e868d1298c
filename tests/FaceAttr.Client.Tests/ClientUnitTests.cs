using FaceAttr.Messaging;
using FaceAttr.Messaging.Tests;

namespace FaceAttr.Client.Tests;

public class ClientUnitTests
{
    [Theory]
    [InlineData("Port", "FaceAttrClient:Port")]
    [InlineData("Device", "FaceAttrClient:Device")]
    [InlineData("ClientId", "FaceAttrClient:ClientId")]
    [InlineData("ReconnectMaxSeconds", "FaceAttrClient:ReconnectMaxSeconds")]
    [InlineData("ReplyTopicPrefix", "FaceAttrClient:ReplyTopicPrefix")]
    public void Bad_options_name_their_key(string field, string key)
    {
        var options = new FaceAttrClientOptions();
        switch (field)
        {
            case "Port": options.Port = 0; break;
            case "Device": options.Device = "kiosk/1"; break;
            case "ClientId": options.ClientId = "has space"; break;
            case "ReconnectMaxSeconds": options.ReconnectMaxSeconds = 0.01; break;
            case "ReplyTopicPrefix": options.ReplyTopicPrefix = "faceattr"; break;
        }

        var ex = Assert.Throws<MqttOptionsException>(options.Validate);
        Assert.Equal(key, ex.Key);
        Assert.Throws<MqttOptionsException>(() => new FaceAttrClient(options));
    }

    [Fact]
    public void The_presence_board_follows_enter_update_exit_and_offline()
    {
        var board = new PresenceBoard();
        board.Apply(SampleEvents.Enter("kiosk-1", 1));
        board.Apply(SampleEvents.Enter("kiosk-1", 2));
        board.Apply(SampleEvents.Enter("kiosk-2", 1));
        var updated = board.Apply(SampleEvents.Update("kiosk-1", 1, ("expression", "sad")));
        Assert.NotNull(updated);
        Assert.Equal("sad", updated.Attributes["expression"].Label);
        Assert.Equal("female", updated.Attributes["gender"].Label);
        Assert.Equal(SampleEvents.T0, updated.EnteredAt);

        Assert.Null(board.Apply(SampleEvents.Exit("kiosk-1", 2)));
        Assert.Equal(["kiosk-1#1", "kiosk-2#1"], board.People.Select(p => $"{p.Device}#{p.TrackId}"));

        var late = board.Apply(SampleEvents.Update("kiosk-1", 5, ("smile", "present")));
        Assert.Equal(SampleEvents.T0.AddSeconds(2 - 2.8), late!.EnteredAt);

        Assert.Equal(0, board.Apply(new DeviceStatus { Device = "kiosk-1" }));
        Assert.Equal(2, board.Apply(new DeviceStatus { Device = "kiosk-1", State = ConnectionState.Offline, Reason = DeviceStatus.ReasonConnectionLost }));
        Assert.Equal(["kiosk-2#1"], board.People.Select(p => $"{p.Device}#{p.TrackId}"));
    }
}
