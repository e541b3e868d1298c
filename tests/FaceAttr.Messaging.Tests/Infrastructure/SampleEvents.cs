using FaceAttr.Core.Events;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;

namespace FaceAttr.Messaging.Tests;

/// <summary>Track events shaped like the tracker's, with every field the contract has.</summary>
public static class SampleEvents
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 14, 9, 26, 53, 589, TimeSpan.Zero);

    public static Dictionary<string, AttributeValue> AllHeads(string expression = "happy") => new()
    {
        ["gender"] = new AttributeValue { Head = "gender", Label = "female", Probability = 0.93f, Distribution = [0.93f, 0.07f], Model = "faceres" },
        ["age"] = new AttributeValue
        {
            Head = "age", Label = "30-39", Probability = 0.61f, Value = 34.5f, Interval = 4.2f,
            Distribution = [0f, 0.01f, 0.05f, 0.61f, 0.2f, 0.1f, 0.02f, 0.01f, 0f], Model = "faceres",
        },
        ["expression"] = new AttributeValue
        {
            Head = "expression", Label = expression, Probability = 0.8f,
            Distribution = [0.8f, 0.02f, 0.1f, 0.02f, 0.02f, 0.02f, 0.02f], Model = "emotion",
        },
        ["smile"] = new AttributeValue { Head = "smile", Label = "present", Probability = 0.88f },
        ["eyewear"] = AttributeValue.Unknown("eyewear", "yaw 41°"),
    };

    public static TrackEvent Enter(string device, long trackId, DateTimeOffset? at = null) => new()
    {
        Kind = TrackEventKind.Enter,
        Device = device,
        TrackId = trackId,
        Timestamp = at ?? T0,
        DwellSeconds = 0.8,
        Box = new BoxF(412.5f, 188f, 164f, 171.25f),
        Pose = new HeadPose(-8.5f, 3.25f, 1.5f),
        Quality = new FaceQuality(164f, 212.7f, 131f),
        Attributes = AllHeads(),
    };

    public static TrackEvent Update(string device, long trackId, params (string Head, string Label)[] changes) => new()
    {
        Kind = TrackEventKind.Update,
        Device = device,
        TrackId = trackId,
        Timestamp = T0.AddSeconds(2),
        DwellSeconds = 2.8,
        Box = new BoxF(414f, 190f, 160f, 168f),
        Attributes = changes.ToDictionary(c => c.Head, c => new AttributeValue { Head = c.Head, Label = c.Label, Probability = 0.7f }),
    };

    public static TrackEvent Exit(string device, long trackId) => Enter(device, trackId) with
    {
        Kind = TrackEventKind.Exit,
        Timestamp = T0.AddSeconds(9),
        DwellSeconds = 9.25,
    };

    public static MqttOptions Options(int port, string device = "kiosk-1") => new()
    {
        Host = "127.0.0.1",
        Port = port,
        DeviceId = device,
        KeepAliveSeconds = 5,
        ConnectTimeoutSeconds = 5,
        ReconnectMinSeconds = 0.1,
        ReconnectMaxSeconds = 0.5,
        UpdateMinIntervalSeconds = 0,
        ShutdownFlushTimeoutSeconds = 3,
    };
}
