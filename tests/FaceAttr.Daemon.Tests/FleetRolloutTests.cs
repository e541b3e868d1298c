using System.Text.Json;
using FaceAttr.Bundles.Signing;
using FaceAttr.Client;
using FaceAttr.Messaging.Tests;
using FaceAttr.TestSupport;
using Xunit.Abstractions;

namespace FaceAttr.Daemon.Tests;

/// <summary>
/// A canary rollout to three real daemons on a real mosquitto (the library behind <c>faceattr deploy</c>): a bundle that
/// fails its health window on the canary stops the rollout there and leaves the others untouched; a good bundle goes
/// from the canary to everyone.
/// </summary>
public sealed class FleetRolloutTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private static readonly string[] Devices = ["it-fleet-1", "it-fleet-2", "it-fleet-3"];
    private readonly string _work = Directory.CreateTempSubdirectory("faceattr-fleet-it-").FullName;
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly BundleHttpServer _http = new();
    private readonly List<DaemonProcess> _daemons = [];
    private MosquittoBroker _broker = null!;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoBroker.StartAsync();
        _key.Save(Path.Combine(_work, "key.pem.private"), Path.Combine(_work, "trusted.pem"));
    }

    public async Task DisposeAsync()
    {
        foreach (var daemon in _daemons)
        {
            await daemon.DisposeAsync();
        }

        await _broker.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    public void Dispose()
    {
        _http.Dispose();
        _key.Dispose();
    }

    [Fact]
    public async Task AFailingCanaryStopsTheRolloutAndAGoodBundleReachesEveryDevice()
    {
        var clip = await TestClips.ChangingPersonAsync();
        if (clip is null)
        {
            output.WriteLine($"SKIPPED (real data absent): no UTKFace images under {TestPaths.Data}");
            return;
        }

        foreach (var device in Devices)
        {
            _daemons.Add(DaemonProcess.Start(Args(device, clip)));
        }

        await using var client = new FaceAttrClient(new FaceAttrClientOptions
        {
            Host = MosquittoBroker.Host, Port = _broker.Port, SubscribeUpdates = true, ReconnectMinSeconds = 0.1, ReconnectMaxSeconds = 0.5,
        });
        client.Start();
        await client.WaitUntilConnectedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        foreach (var daemon in _daemons)
        {
            await daemon.WaitForLogAsync("connected to", TimeSpan.FromSeconds(60));
        }

        var members = await FleetRollout.DiscoverGroupAsync(client, "lobby", TimeSpan.FromSeconds(3), CancellationToken.None);
        Assert.Equal(Devices, members);

        // The blind detector passes every install check and fails on real frames: the canary rolls back, the rest are skipped.
        var blind = await Rollout(client, members, "0.4.0", UpdateFixtures.BlindDetector());
        output.WriteLine(JsonSerializer.Serialize(blind));
        Assert.False(blind.Completed);
        Assert.Equal([("it-fleet-1", "canary", "rolled_back"), ("it-fleet-2", "rest", "skipped"), ("it-fleet-3", "rest", "skipped")],
            blind.Outcomes.Select(o => (o.Device, o.Phase, o.State)));
        Assert.Equal("unhealthy", blind.Outcomes[0].Failure);
        foreach (var daemon in _daemons.Skip(1))
        {
            Assert.DoesNotContain("update committed", daemon.Stderr, StringComparison.Ordinal);
        }

        // A good bundle: canary first, then everyone.
        var good = await Rollout(client, members, "0.5.0", detector: null);
        output.WriteLine(JsonSerializer.Serialize(good));
        Assert.True(good.Completed, good.StoppedReason);
        Assert.All(good.Outcomes, o => Assert.Equal(("succeeded", "0.5.0"), (o.State, o.Version)));
        foreach (var daemon in _daemons)
        {
            await daemon.WaitForLogAsync("update committed: 0.5.0", TimeSpan.FromSeconds(10));
        }
    }

    private async Task<RolloutReport> Rollout(FaceAttrClient client, IReadOnlyList<string> devices, string version, byte[]? detector)
    {
        var folder = UpdateFixtures.BundleFolder(Path.Combine(_work, "bundle-" + version), version, detector);
        var (archive, signature) = UpdateFixtures.PackAndSign(folder, Path.Combine(_work, version + ".tar.gz"), _key);
        var options = new RolloutOptions
        {
            Url = _http.Serve(version + ".tar.gz", archive),
            Signature = JsonDocument.Parse(signature.ToJson()).RootElement,
            CanaryPercent = 30, // one device of three
            DeviceTimeout = TimeSpan.FromSeconds(90),
        };
        return await new FleetRollout(client).RunAsync(devices, options, progress: null, CancellationToken.None);
    }

    private string[] Args(string device, string clip) =>
    [
        $"--FaceAttr:DeviceId={device}", "--FaceAttr:Fps=3", $"--FaceAttr:Bundle={TestPaths.RequireBundle()}",
        "--FaceAttr:Source=pipe", $"--FaceAttr:PipeInput={clip}", $"--FaceAttr:Width={TestClips.Width}", $"--FaceAttr:Height={TestClips.Height}",
        $"--FaceAttr:Mqtt:Host={MosquittoBroker.Host}", $"--FaceAttr:Mqtt:Port={_broker.Port}", "--FaceAttr:Mqtt:FleetGroups:0=lobby",
        "--FaceAttr:PrintEvents=false", $"--FaceAttr:Updates:TrustedKeys:0={Path.Combine(_work, "trusted.pem")}",
        $"--FaceAttr:Updates:StateRoot={Path.Combine(_work, "state-" + device)}", "--FaceAttr:Updates:HealthWindowSeconds=4",
    ];
}
