using System.Text;
using System.Text.Json;
using FaceAttr.Bundles.Signing;
using FaceAttr.Messaging.Tests;
using FaceAttr.TestSupport;
using MQTTnet;
using Xunit.Abstractions;

namespace FaceAttr.Daemon.Tests;

/// <summary>
/// Remote model updates pushed to the real daemon over a real mosquitto while it processes real faces from an ffmpeg
/// pipe: a good bundle is committed without stopping the events; unknown keys, older versions and tampered archives
/// are refused with reasons; a bundle that passes its install checks but finds no face on real frames is rolled back by
/// the health window; a daemon killed during the health window comes back on the previous bundle.
/// </summary>
public sealed class UpdateFaultTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _work = Directory.CreateTempSubdirectory("faceattr-update-it-").FullName;
    private readonly SigningKey _trusted = SigningKey.Generate();
    private readonly SigningKey _stranger = SigningKey.Generate();
    private readonly BundleHttpServer _http = new();
    private MosquittoBroker _broker = null!;
    private int _requests;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _trusted.Save(Path.Combine(_work, "trusted.key"), Path.Combine(_work, "trusted.pem"));
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    public void Dispose()
    {
        _http.Dispose();
        _trusted.Dispose();
        _stranger.Dispose();
    }

    [Fact]
    public async Task GoodBundlesAreCommittedBadOnesRefusedAndABlindOneRolledBackWhileEventsFlow()
    {
        var clip = await TestClips.ChangingPersonAsync();
        if (clip is null)
        {
            output.WriteLine($"SKIPPED (real data absent): no UTKFace images under {TestPaths.Data}");
            return;
        }

        await using var subscriber = await TestSubscriber.ConnectAsync(_broker.Port, "faceattr/it-upd/#");
        await using var daemon = DaemonProcess.Start(DaemonArgs("it-upd", clip));
        await subscriber.WaitUntilAsync(m => Statuses(m).Any(s => Bundle(s) == "faceattr-default@0.1.0"), Patience, "online status with the factory bundle");

        // Signed by a key the device does not trust: refused before any download.
        var (goodArchive, goodSignature) = Bundle("0.2.0", _trusted);
        var url = _http.Serve("good.tar.gz", goodArchive);
        var stranger = _stranger.Sign(Path.Combine(_work, "0.2.0.tar.gz"), goodSignature.Bundle, goodSignature.Version);
        var refusal = await Command(subscriber, "update", Payload(url, stranger));
        Assert.Equal("unknown_key", Error(refusal));

        // The good bundle: downloaded, checked, installed into slot b, swapped, watched, committed.
        var accepted = await Command(subscriber, "update", Payload(url, goodSignature, "good-1"));
        Assert.True(accepted.GetProperty("ok").GetBoolean(), accepted.GetRawText());
        var outcome = await UpdateOutcome(subscriber, "good-1");
        Assert.Equal("succeeded", outcome.GetProperty("state").GetString());
        Assert.Equal("0.2.0", outcome.GetProperty("version").GetString());
        await subscriber.WaitUntilAsync(m => Statuses(m).Any(s => Bundle(s) == "faceattr-default@0.2.0"), Patience, "status with 0.2.0");
        Assert.Contains("now running the models of " + Path.Combine(_work, "state", "slots", "b"), daemon.Stderr, StringComparison.Ordinal);

        // Older than what runs: refused (downgrade protection).
        var (olderArchive, olderSignature) = Bundle("0.1.5", _trusted);
        Assert.Equal("older_version", Error(await Command(subscriber, "update", Payload(_http.Serve("older.tar.gz", olderArchive), olderSignature))));

        // A correctly signed statement, but the server delivers other bytes: refused after the download, before unpacking.
        var (tamperedArchive, tamperedSignature) = Bundle("0.3.0", _trusted);
        tamperedArchive[tamperedArchive.Length / 2] ^= 0xFF;
        await Command(subscriber, "update", Payload(_http.Serve("tampered.tar.gz", tamperedArchive), tamperedSignature, "tampered-1"));
        var tampered = await UpdateOutcome(subscriber, "tampered-1");
        Assert.Equal(("failed", "hash_mismatch"), (tampered.GetProperty("state").GetString(), tampered.GetProperty("failure").GetString()));

        // Faults caught after the download, before anything is installed: each refused with its code, 0.2.0 keeps running.
        var (truncArchive, truncSignature) = Bundle("0.3.1", _trusted);
        _http.Serve("whole.tar.gz", truncArchive);
        var faults = new (string Name, Uri Url, BundleSignature Signature, string Failure)[]
        {
            ("truncated download", new Uri(_http.BaseUrl, "truncated/whole.tar.gz"), truncSignature, "truncated"),
        }.ToList();
        foreach (var (name, version, replace, edit, failure) in new (string, string, (string, byte[])?, Func<FaceAttr.Core.Bundles.BundleManifest, FaceAttr.Core.Bundles.BundleManifest>?, string)[]
        {
            ("contract mismatch", "0.3.2", null, m => m with { Models = [.. m.Models.Select(x => x.Id == "emotion-oarriaga" ? x with { Outputs = [x.Outputs[0] with { Name = "no_such_output" }] } : x)] }, "contract_mismatch"),
            ("NaN outputs", "0.3.3", ("gender-oarriaga", BadModels.NanGender()), null, "bad_output"),
            ("unloadable model", "0.3.4", ("iris", BadModels.Garbage()), null, "unloadable_model"),
        })
        {
            var folder = UpdateFixtures.BundleFolder(Path.Combine(_work, "bundle-" + version), version, replace, edit);
            var (bytes, sig) = UpdateFixtures.PackAndSign(folder, Path.Combine(_work, version + ".tar.gz"), _trusted);
            faults.Add((name, _http.Serve(version + ".tar.gz", bytes), sig, failure));
        }

        foreach (var (name, faultUrl, faultSignature, failure) in faults)
        {
            var id = "fault-" + faultSignature.Version;
            await Command(subscriber, "update", Payload(faultUrl, faultSignature, id));
            var fault = await UpdateOutcome(subscriber, id);
            output.WriteLine($"{name}: {fault.GetRawText()}");
            Assert.Equal(("failed", failure), (fault.GetProperty("state").GetString(), fault.GetProperty("failure").GetString()));
        }

        Assert.Equal("faceattr-default@0.2.0", Bundle(Statuses(subscriber.Messages).Last()));

        // A detector that passes every install check but never finds a face on real frames: rolled back by the health window.
        var (blindArchive, blindSignature) = Bundle("0.4.0", _trusted, UpdateFixtures.BlindDetector());
        await Command(subscriber, "update", Payload(_http.Serve("blind.tar.gz", blindArchive), blindSignature, "blind-1"));
        var blind = await UpdateOutcome(subscriber, "blind-1");
        output.WriteLine(blind.GetRawText());
        Assert.Equal(("rolled_back", "unhealthy", "0.2.0"), (blind.GetProperty("state").GetString(), blind.GetProperty("failure").GetString(), blind.GetProperty("version").GetString()));
        Assert.Contains("found no face", blind.GetProperty("message").GetString(), StringComparison.Ordinal);

        // The events never stopped: numbered without a gap, and still arriving after the last rollback.
        var before = Events(subscriber.Messages).Count;
        await subscriber.WaitUntilAsync(m => Events(m).Count > before, Patience, "events after the rollback");
        var seqs = Events(subscriber.Messages).Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        foreach (var m in subscriber.Messages.Where(IsUpdateTopic))
        {
            SchemaValidator.AssertValid(SchemaValidator.Update, m.Payload);
        }

        var audit = await File.ReadAllTextAsync(Path.Combine(_work, "state", "audit.jsonl"));
        output.WriteLine(audit);
        Assert.Contains("unknown_key", audit, StringComparison.Ordinal);
        Assert.Contains("hash_mismatch", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADaemonKilledDuringTheHealthWindowComesBackOnThePreviousBundle()
    {
        var clip = await TestClips.ChangingPersonAsync();
        if (clip is null)
        {
            output.WriteLine($"SKIPPED (real data absent): no UTKFace images under {TestPaths.Data}");
            return;
        }

        await using var subscriber = await TestSubscriber.ConnectAsync(_broker.Port, "faceattr/it-kill/#");
        var (archive, signature) = Bundle("0.2.0", _trusted);
        var url = _http.Serve("good.tar.gz", archive);
        await using (var daemon = DaemonProcess.Start(DaemonArgs("it-kill", clip, healthSeconds: 60)))
        {
            await subscriber.WaitUntilAsync(m => Statuses(m).Any(s => Bundle(s) == "faceattr-default@0.1.0"), Patience, "online status");
            await Command(subscriber, "update", Payload(url, signature, "kill-1"), "it-kill");
            await subscriber.WaitUntilAsync(m => UpdateStates(m, "kill-1").Contains("health_check"), Patience, "the health window");
            daemon.Kill(); // SIGKILL in the middle of the trial
        }

        await using var restarted = DaemonProcess.Start(DaemonArgs("it-kill", clip));
        await restarted.WaitForLogAsync("rolled back to 0.1.0 at start", Patience);
        // After the last will of the killed daemon, the restarted one announces the previous bundle.
        await subscriber.WaitUntilAsync(m => Statuses(m).SkipWhile(s => !IsWill(s)).Any(s => s.GetProperty("state").GetString() == "online" && Bundle(s) == "faceattr-default@0.1.0"),
            Patience, "online again on 0.1.0 after the last will");

        // An explicit rollback with nothing newer installed to go back from is refused with a reason, not a crash.
        var reply = await Command(subscriber, "rollback", "{}", "it-kill");
        output.WriteLine(reply.GetRawText());
        Assert.False(restarted.HasExited);
    }

    [Fact]
    public async Task ABundleSentInMqttChunksIsInstalledAndAGapIsRefused()
    {
        var clip = await TestClips.ChangingPersonAsync();
        if (clip is null)
        {
            output.WriteLine($"SKIPPED (real data absent): no UTKFace images under {TestPaths.Data}");
            return;
        }

        await using var subscriber = await TestSubscriber.ConnectAsync(_broker.Port, "faceattr/it-chunks/#");
        await using var daemon = DaemonProcess.Start(DaemonArgs("it-chunks", clip));
        await subscriber.WaitUntilAsync(m => Statuses(m).Any(s => Bundle(s) == "faceattr-default@0.1.0"), Patience, "online status");

        // A chunk out of order ends the transfer with a reason.
        var (archive, signature) = Bundle("0.2.0", _trusted);
        Assert.True((await Command(subscriber, "update", $$"""{"transfer":"mqtt","signature":{{signature.ToJson()}},"request_id":"gap-1"}""", "it-chunks")).GetProperty("ok").GetBoolean());
        var gap = await Command(subscriber, "update_chunk", $$"""{"request_id":"gap-1","index":1,"total":3,"data":"AAAA"}""", "it-chunks");
        Assert.Equal("truncated", Error(gap)); // chunk 0 never came

        // The whole archive in 32 KB chunks through the rollout library, as faceattr deploy --via-mqtt sends it.
        await using var client = new FaceAttr.Client.FaceAttrClient(new FaceAttr.Client.FaceAttrClientOptions
        {
            Host = MosquittoBroker.Host, Port = _broker.Port, SubscribeUpdates = true,
        });
        client.Start();
        var report = await new FaceAttr.Client.FleetRollout(client).RunAsync(["it-chunks"], new FaceAttr.Client.RolloutOptions
        {
            Archive = archive, Signature = JsonDocument.Parse(signature.ToJson()).RootElement, CanaryPercent = 0, DeviceTimeout = Patience,
        }, progress: null, CancellationToken.None);
        Assert.True(report.Completed, $"{report.StoppedReason}: {report.Outcomes[0].Message}");
        Assert.Equal(("succeeded", "0.2.0"), (report.Outcomes[0].State, report.Outcomes[0].Version));
        output.WriteLine($"{archive.Length} bytes in {(archive.Length + 32767) / 32768} chunks");
    }

    private string[] DaemonArgs(string device, string clip, double healthSeconds = 4) =>
    [
        $"--FaceAttr:DeviceId={device}", "--FaceAttr:Fps=5", $"--FaceAttr:Bundle={TestPaths.RequireBundle()}",
        "--FaceAttr:Source=pipe", $"--FaceAttr:PipeInput={clip}", $"--FaceAttr:Width={TestClips.Width}", $"--FaceAttr:Height={TestClips.Height}",
        $"--FaceAttr:Mqtt:Host={MosquittoBroker.Host}", $"--FaceAttr:Mqtt:Port={_broker.Port}", "--FaceAttr:PrintEvents=false",
        $"--FaceAttr:Updates:TrustedKeys:0={Path.Combine(_work, "trusted.pem")}", $"--FaceAttr:Updates:StateRoot={Path.Combine(_work, "state")}",
        $"--FaceAttr:Updates:HealthWindowSeconds={healthSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
    ];

    private (byte[] Archive, BundleSignature Signature) Bundle(string version, SigningKey key, byte[]? detector = null)
    {
        var folder = UpdateFixtures.BundleFolder(Path.Combine(_work, "bundle-" + version), version, detector);
        return UpdateFixtures.PackAndSign(folder, Path.Combine(_work, version + ".tar.gz"), key);
    }

    private static string Payload(Uri url, BundleSignature signature, string? requestId = null) =>
        $$"""{"url":"{{url}}","signature":{{signature.ToJson()}}{{(requestId is null ? "" : $",\"request_id\":\"{requestId}\"")}}}""";

    private async Task<JsonElement> Command(TestSubscriber via, string verb, string payload, string device = "it-upd")
    {
        var replyTopic = $"faceattr/{device}/replies/{Interlocked.Increment(ref _requests)}";
        await via.Client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"faceattr/{device}/cmd/{verb}").WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithResponseTopic(replyTopic).WithCorrelationData([1]).Build());
        var all = await via.WaitUntilAsync(m => m.Any(x => x.Topic == replyTopic), Patience, "reply on " + replyTopic);
        var reply = JsonDocument.Parse(all.First(x => x.Topic == replyTopic).Payload).RootElement;
        SchemaValidator.AssertValid(SchemaValidator.CommandReply, all.First(x => x.Topic == replyTopic).Payload);
        return reply;
    }

    private static async Task<JsonElement> UpdateOutcome(TestSubscriber via, string requestId)
    {
        string[] final = ["succeeded", "failed", "rolled_back"];
        var all = await via.WaitUntilAsync(m => UpdateStates(m, requestId).Any(final.Contains), Patience, $"the outcome of {requestId}");
        return UpdateMessages(all, requestId).Last(u => final.Contains(u.GetProperty("state").GetString()));
    }

    // faceattr/{device}/update, not the command topic faceattr/{device}/cmd/update the test itself publishes on.
    private static bool IsUpdateTopic(ReceivedMessage m) =>
        m.Topic.EndsWith("/update", StringComparison.Ordinal) && !m.Topic.Contains("/cmd/", StringComparison.Ordinal);

    private static string? Error(JsonElement reply) =>
        reply.GetProperty("ok").GetBoolean() ? null : reply.GetProperty("error").GetProperty("code").GetString();

    private static IEnumerable<JsonElement> UpdateMessages(IReadOnlyList<ReceivedMessage> m, string requestId) =>
        m.Where(IsUpdateTopic).Select(x => JsonDocument.Parse(x.Payload).RootElement)
            .Where(u => u.TryGetProperty("request_id", out var id) && id.GetString() == requestId);

    private static List<string?> UpdateStates(IReadOnlyList<ReceivedMessage> m, string requestId) =>
        [.. UpdateMessages(m, requestId).Select(u => u.GetProperty("state").GetString())];

    private static List<JsonElement> Statuses(IReadOnlyList<ReceivedMessage> m) =>
        [.. m.Where(x => x.Topic.EndsWith("/status", StringComparison.Ordinal) && x.Payload.Length > 0).Select(x => JsonDocument.Parse(x.Payload).RootElement)];

    private static bool IsWill(JsonElement status) =>
        status.GetProperty("state").GetString() == "offline" && status.TryGetProperty("reason", out var r) && r.GetString() == "connection_lost";

    private static string? Bundle(JsonElement status) =>
        status.TryGetProperty("versions", out var v) && v.TryGetProperty("bundle", out var b) ? b.GetString() : null;

    private static List<JsonElement> Events(IReadOnlyList<ReceivedMessage> m) =>
        [.. m.Where(x => x.Topic.EndsWith("/events", StringComparison.Ordinal)).Select(x => JsonDocument.Parse(x.Payload).RootElement)];
}
