using System.Text;
using System.Text.Json;
using FaceAttr.Messaging.Tests;
using FaceAttr.TestSupport;
using MQTTnet;
using Xunit.Abstractions;

namespace FaceAttr.Daemon.Tests;

/// <summary>
/// The whole daemon against a real Debian mosquitto on 127.0.0.1: real faces through an ffmpeg pipe become schema-valid
/// events a subscriber receives; the last will on SIGKILL; no QoS 1 loss across a broker restart; a missing camera and
/// junk commands reported, never fatal.
/// </summary>
public sealed class DaemonMqttTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private MosquittoBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await MosquittoBroker.StartAsync(persistence: true);

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task APersonFedThroughAPipeEntersUpdatesAndExitsWithSchemaValidPayloads()
    {
        var clip = await TestClips.ChangingPersonAsync();
        if (clip is null)
        {
            output.WriteLine($"SKIPPED (real data absent): no UTKFace images under {TestPaths.Data}");
            return;
        }

        await using var subscriber = await TestSubscriber.ConnectAsync(_broker.Port, "faceattr/it-person/#");
        var (exit, _, stderr) = await DaemonProcess.RunAsync(Args("it-person", clip, maxFrames: 68,
            "--FaceAttr:Mqtt:UpdateMinIntervalSeconds=2", "--FaceAttr:StatsIntervalSeconds=1"));
        Assert.True(exit == 0, stderr);
        await subscriber.WaitUntilAsync(m => m.Any(IsShutdownStatus), Patience, "the offline status of a clean stop");

        foreach (var m in subscriber.Messages)
        {
            SchemaValidator.AssertValid(SchemaValidator.ForTopic(m.Topic), m.Payload);
        }

        var all = Events(subscriber);
        output.WriteLine(string.Join('\n', all.Select(e => e.GetRawText())));
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.GetProperty("seq").GetInt64()));

        // One person: enter first, exit last, and the change of face in between is published as an update of gender.
        // The pipe loops the clip; on a slow machine MaxFrames is reached only after it restarted, and the man of the
        // next loop is a new track — which must begin after the first one ended.
        var track = all[0].GetProperty("track_id").GetInt64();
        var events = all.Where(e => e.GetProperty("track_id").GetInt64() == track).ToList();
        var firstExit = events.Last().GetProperty("seq").GetInt64();
        Assert.All(all.Where(e => e.GetProperty("track_id").GetInt64() != track), e => Assert.True(e.GetProperty("seq").GetInt64() > firstExit));
        var kinds = events.Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal("enter", kinds[0]);
        Assert.Equal("exit", kinds[^1]);
        Assert.All(kinds[1..^1], k => Assert.Equal("update", k));
        var enterGender = events[0].GetProperty("attributes").GetProperty("gender");
        Assert.Equal("male", enterGender.GetProperty("label").GetString());
        Assert.InRange(enterGender.GetProperty("probability").GetDouble(), 0.5, 1.0);
        Assert.True(events[0].GetProperty("attributes").TryGetProperty("age", out _));
        var genderUpdate = events.Single(e => e.GetProperty("kind").GetString() == "update"
            && e.GetProperty("attributes").TryGetProperty("gender", out var g) && g.GetProperty("label").GetString() == "female");
        Assert.True(genderUpdate.GetProperty("dwell_seconds").GetDouble() > 3, "the woman appears after 3 s");
        Assert.Equal("female", events[^1].GetProperty("attributes").GetProperty("gender").GetProperty("label").GetString());

        // Rate limit: the broker delivers a track's updates UpdateMinIntervalSeconds (2 s) apart, give or take delivery
        // jitter on a loaded machine (0.5 s allowed); the tracker alone would send them 1 s apart. Held updates are merged
        // and keep the time of their newest observation, so the gap is measured on arrival, not on timestamps.
        var updateArrivals = subscriber.Messages.Where(m => m.Topic.EndsWith("/events", StringComparison.Ordinal)
            && Json(m).GetProperty("kind").GetString() == "update" && Json(m).GetProperty("track_id").GetInt64() == track).Select(m => m.ReceivedAt).ToList();
        Assert.True(updateArrivals.Count >= 2, $"only {updateArrivals.Count} updates");
        for (var i = 1; i < updateArrivals.Count; i++)
        {
            Assert.True((updateArrivals[i] - updateArrivals[i - 1]).TotalSeconds >= 1.5, $"updates {i - 1} and {i} of track {track} arrived too close");
        }

        // Status: online with versions, model hashes and the camera running; stats heartbeats with real frame rates.
        var online = subscriber.On("faceattr/it-person/status").Select(Json).First(s => s.GetProperty("state").GetString() == "online");
        Assert.Equal(64, online.GetProperty("models")[0].GetProperty("sha256").GetString()!.Length);
        Assert.StartsWith("faceattr-default@", online.GetProperty("versions").GetProperty("bundle").GetString(), StringComparison.Ordinal);
        var stats = subscriber.On("faceattr/it-person/stats").Select(Json).ToList();
        Assert.NotEmpty(stats);
        Assert.Contains(stats, s => s.GetProperty("fps_processed").GetDouble() > 1 && s.GetProperty("latency_p50_ms").GetDouble() > 0);
        Assert.Contains("messaging stopped: " + all.Count + " published, 0 dropped", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KillingTheDaemonMakesTheBrokerPublishItsLastWill()
    {
        await using var subscriber = await TestSubscriber.ConnectAsync(_broker.Port, "faceattr/it-will/status");
        await using var daemon = DaemonProcess.Start(Args("it-will", clip: null, maxFrames: 0));
        await subscriber.WaitUntilAsync(m => m.Select(x => Json(x)).Any(s => s.GetProperty("state").GetString() == "online"), Patience, "online status");
        daemon.Kill();

        var all = await subscriber.WaitUntilAsync(m => m.Select(x => Json(x)).Any(s => s.GetProperty("state").GetString() == "offline"), Patience, "the last will");
        var will = all.Select(x => Json(x)).Last();
        Assert.Equal("offline", will.GetProperty("state").GetString());
        Assert.Equal("connection_lost", will.GetProperty("reason").GetString());
        SchemaValidator.AssertValid(SchemaValidator.Status, all[^1].Payload);
    }

    [Fact]
    public async Task RestartingTheBrokerMidStreamLosesNoEvent()
    {
        var clip = await TestClips.GroupPhotosAsync();
        await using var subscriber = await TestSubscriber.ConnectAsync(_broker.Port, "it-restart-sub", persistentSession: true, "faceattr/it-restart/events");
        await using var daemon = DaemonProcess.Start(Args("it-restart", clip, maxFrames: 75));
        await subscriber.WaitForCountAsync("faceattr/it-restart/events", 3, Patience);

        await _broker.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(4)); // the daemon goes on producing into its offline queue
        await _broker.StartAgainAsync();

        Assert.Equal(0, await daemon.WaitForExitAsync(Patience));
        var published = PublishedCount(daemon.Stderr);
        var seqs = (await subscriber.WaitUntilAsync(m => DistinctSeqs(m).Count >= published, Patience, $"{published} distinct events"))
            .Where(m => m.Topic.EndsWith("/events", StringComparison.Ordinal)).Select(m => Json(m).GetProperty("seq").GetInt64()).ToList();
        output.WriteLine($"published {published}, received {seqs.Count} ({seqs.Count - seqs.Distinct().Count()} redelivered)");
        Assert.Equal(Enumerable.Range(1, published).Select(i => (long)i), seqs.Distinct().Order());
        Assert.Contains("reconnect", daemon.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(", 0 dropped", daemon.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingCameraIsRetriedAndReportedAndJunkCommandsGetErrorReplies()
    {
        await using var subscriber = await TestSubscriber.ConnectAsync(_broker.Port, "faceattr/it-nocam/#");
        await using var daemon = DaemonProcess.Start(
            "--FaceAttr:DeviceId=it-nocam", "--FaceAttr:Source=v4l2", "--FaceAttr:V4l2Device=/dev/video93",
            $"--FaceAttr:Bundle={TestPaths.RequireBundle()}", $"--FaceAttr:Mqtt:Host={MosquittoBroker.Host}", $"--FaceAttr:Mqtt:Port={_broker.Port}");
        var statuses = await subscriber.WaitUntilAsync(
            m => m.Where(x => x.Topic.EndsWith("/status", StringComparison.Ordinal)).Any(x => CameraState(x) == "camera_unavailable"),
            Patience, "camera_unavailable in the status");
        var status = Json(statuses.Last(x => CameraState(x) == "camera_unavailable"));
        Assert.Contains("/dev/video93", status.GetProperty("camera").GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Junk on a command topic: an error reply, and the daemon answers the next command as usual.
        await Publish(subscriber, "faceattr/it-nocam/cmd/stats", "{not json", "faceattr/it-nocam/replies/1");
        await Publish(subscriber, "faceattr/it-nocam/cmd/stats", "{}", "faceattr/it-nocam/replies/2");
        var replies = await subscriber.WaitUntilAsync(m => m.Count(x => x.Topic.Contains("/replies/", StringComparison.Ordinal)) >= 2, Patience, "two replies");
        var junkReply = Json(replies.First(x => x.Topic.EndsWith("/1", StringComparison.Ordinal)));
        Assert.False(junkReply.GetProperty("ok").GetBoolean());
        var statsReply = Json(replies.First(x => x.Topic.EndsWith("/2", StringComparison.Ordinal)));
        Assert.True(statsReply.GetProperty("ok").GetBoolean());
        Assert.Equal("it-nocam", statsReply.GetProperty("result").GetProperty("device").GetString());
        Assert.Equal(0, statsReply.GetProperty("result").GetProperty("fps_in").GetDouble());
        foreach (var m in replies.Where(x => x.Topic.Contains("/replies/", StringComparison.Ordinal)))
        {
            SchemaValidator.AssertValid(SchemaValidator.CommandReply, m.Payload);
        }

        // Still alive after the retries and the junk; SIGTERM stops it cleanly with the offline status.
        Assert.False(daemon.HasExited);
        await daemon.TerminateAsync();
        Assert.Equal(0, await daemon.WaitForExitAsync(Patience));
        await subscriber.WaitUntilAsync(m => m.Any(IsShutdownStatus), Patience, "offline status after SIGTERM");
        Assert.Contains("source Unavailable", daemon.Stderr, StringComparison.Ordinal);
    }

    private string[] Args(string device, string? clip, int maxFrames, params string[] more)
    {
        var args = new List<string>
        {
            $"--FaceAttr:DeviceId={device}", "--FaceAttr:Fps=5", $"--FaceAttr:MaxFrames={maxFrames}",
            $"--FaceAttr:Bundle={TestPaths.RequireBundle()}",
            $"--FaceAttr:Mqtt:Host={MosquittoBroker.Host}", $"--FaceAttr:Mqtt:Port={_broker.Port}",
            "--FaceAttr:Mqtt:ReconnectMinSeconds=0.2", "--FaceAttr:Mqtt:ReconnectMaxSeconds=1",
        };
        if (clip is not null)
        {
            args.AddRange(["--FaceAttr:Source=pipe", $"--FaceAttr:PipeInput={clip}",
                $"--FaceAttr:Width={TestClips.Width}", $"--FaceAttr:Height={TestClips.Height}"]);
        }

        args.AddRange(more);
        return [.. args];
    }

    private static async Task Publish(TestSubscriber via, string topic, string payload, string responseTopic) =>
        await via.Client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload)).WithResponseTopic(responseTopic)
            .WithCorrelationData([1, 2, 3]).Build());

    private static JsonElement Json(ReceivedMessage m) => JsonDocument.Parse(m.Payload).RootElement;

    private static List<JsonElement> Events(TestSubscriber s) =>
        [.. s.Messages.Where(m => m.Topic.EndsWith("/events", StringComparison.Ordinal)).Select(Json)];

    private static bool IsShutdownStatus(ReceivedMessage m) =>
        m.Topic.EndsWith("/status", StringComparison.Ordinal) && Json(m) is var s
        && s.GetProperty("state").GetString() == "offline" && s.TryGetProperty("reason", out var r) && r.GetString() == "shutdown";

    private static string? CameraState(ReceivedMessage m) =>
        m.Topic.EndsWith("/status", StringComparison.Ordinal) && Json(m).TryGetProperty("camera", out var c) ? c.GetProperty("state").GetString() : null;

    private static HashSet<long> DistinctSeqs(IReadOnlyList<ReceivedMessage> messages) =>
        [.. messages.Where(m => m.Topic.EndsWith("/events", StringComparison.Ordinal)).Select(m => Json(m).GetProperty("seq").GetInt64())];

    private static int PublishedCount(string stderr)
    {
        const string Marker = "messaging stopped: ";
        var at = stderr.LastIndexOf(Marker, StringComparison.Ordinal);
        Assert.True(at >= 0, "no 'messaging stopped' line in the log:\n" + stderr);
        var digits = stderr[(at + Marker.Length)..].TakeWhile(char.IsAsciiDigit).ToArray();
        return int.Parse(new string(digits), System.Globalization.CultureInfo.InvariantCulture);
    }
}
