using System.Text.Json;
using FaceAttr.Bundles.Compatibility;
using FaceAttr.Bundles.Signing;
using FaceAttr.Bundles.Slots;
using FaceAttr.Bundles.Transfer;
using FaceAttr.Bundles.Updating;
using FaceAttr.Bundles.Versioning;

namespace FaceAttr.Bundles.Tests;

/// <summary>The whole device-side pipeline on real bytes: good and bad bundles against a store with v0.1.0 installed.</summary>
public sealed class BundleUpdaterTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly TrustStore _trust;
    private readonly SlotStore _slots;
    private readonly BundleUpdater _updater;

    public BundleUpdaterTests()
    {
        _trust = new TrustStore([_key.ToTrustedKey()]);
        _slots = new SlotStore(_temp.Sub("store"));
        _slots.Open();
        _slots.Activate(_slots.Install(Fixtures.SmallBundle(_temp.Sub("v1"), "0.1.0")));
        _slots.Commit();
        _updater = new BundleUpdater(_slots, _trust, new CompatibilityChecker(new CompatibilityOptions { RuntimeVersion = BundleVersion.Parse("1.0.0") }));
    }

    public void Dispose()
    {
        _trust.Dispose();
        _key.Dispose();
        _temp.Dispose();
    }

    private (ReceivedArchive Archive, BundleSignature Signature) Signed(string folder, SigningKey? key = null)
    {
        var (path, sig) = Fixtures.PackAndSign(folder, _temp.Sub($"{Guid.NewGuid():N}.tar.gz"), key ?? _key);
        return (ReceivedArchive.FromFile(path), sig);
    }

    [Fact]
    public void AGoodNewerBundleIsInstalledAndSwitchedToInTrial()
    {
        var (archive, sig) = Signed(Fixtures.SmallBundle(_temp.Sub("v2"), "0.2.0"));
        var progress = new List<UpdateStage>();
        var result = _updater.Install(archive, sig, new UpdateRequest { RequestId = "r1" }, new Recorder(progress));
        Assert.True(result.Ok, result.Reason);
        Assert.Equal((UpdateStage.Switch, "b", "0.2.0", "0.1.0", "r1"), (result.Stage, result.Slot, result.Version, result.PreviousVersion, result.RequestId));
        Assert.Equal([UpdateStage.Verify, UpdateStage.Extract, UpdateStage.Check, UpdateStage.Install, UpdateStage.Switch], progress);
        Assert.Equal(SlotState.Trial, _slots.Current!.State);
        Assert.Equal(archive.Sha256, _slots.Current.Seal.ArchiveSha256);
        Assert.Empty(Directory.GetDirectories(_slots.TempFolder)); // staging removed

        Assert.True(_updater.Commit("r2").Ok);
        var rollback = _updater.Rollback("operator asked", "r3");
        Assert.Equal(("0.1.0", "0.2.0"), (rollback.Version, rollback.PreviousVersion));

        var json = UpdateJson.Serialize(result);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("switch", doc.RootElement.GetProperty("stage").GetString());
        Assert.Equal("none", doc.RootElement.GetProperty("failure").GetString());
        Assert.Equal("0.1.0", doc.RootElement.GetProperty("previous_version").GetString());
    }

    public static TheoryData<string, UpdateFailure, UpdateStage> Faults() => new()
    {
        { "older", UpdateFailure.OlderVersion, UpdateStage.Verify },
        { "same", UpdateFailure.OlderVersion, UpdateStage.Verify },
        { "unknown-key", UpdateFailure.UnknownKey, UpdateStage.Verify },
        { "tampered", UpdateFailure.HashMismatch, UpdateStage.Verify },
        { "contract", UpdateFailure.ContractMismatch, UpdateStage.Check },
        { "nan", UpdateFailure.BadOutput, UpdateStage.Check },
        { "unloadable", UpdateFailure.UnloadableModel, UpdateStage.Check },
        { "disk-full", UpdateFailure.DiskFull, UpdateStage.Install },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void ABadBundleIsRefusedWithAReasonAndTheCurrentSlotKeepsServing(string fault, UpdateFailure failure, UpdateStage stage)
    {
        var folder = _temp.Sub(fault);
        var updater = _updater;
        using var stranger = SigningKey.Generate();
        SigningKey? key = null;
        switch (fault)
        {
            case "older": Fixtures.SmallBundle(folder, "0.0.9"); break;
            case "same": Fixtures.SmallBundle(folder, "0.1.0"); break;
            case "unknown-key": Fixtures.SmallBundle(folder); key = stranger; break;
            case "tampered": Fixtures.SmallBundle(folder); break;
            case "contract":
                Fixtures.SmallBundle(folder, edit: m => m with { Models = [m.Models[0], m.Models[1] with { Outputs = [m.Models[1].Outputs[0] with { Name = "probs" }] }] });
                break;
            case "nan": Fixtures.BundleWithGenderModel(folder, Fixtures.NanGenderModel()); break;
            case "unloadable": Fixtures.BundleWithGenderModel(folder, new byte[4096]); break;
            case "disk-full":
                Fixtures.SmallBundle(folder);
                var full = new SlotStore(_slots.Root, new SlotStoreOptions { WrapWrite = Fixtures.DiskFullAfter(200_000) });
                full.Open();
                updater = new BundleUpdater(full, _trust, new CompatibilityChecker(new CompatibilityOptions { RuntimeVersion = BundleVersion.Parse("1.0.0") }));
                break;
        }

        var (archive, sig) = Signed(folder, key);
        if (fault == "tampered")
        {
            using var stream = File.OpenWrite(archive.Path);
            stream.Position = 1000;
            stream.WriteByte(0xFF);
        }

        using var tamperedArchive = fault == "tampered" ? ReceivedArchive.FromFile(archive.Path) : archive;
        var result = updater.Install(tamperedArchive, sig, new UpdateRequest { RequestId = fault });
        Assert.False(result.Ok);
        Assert.Equal((failure, stage), (result.Failure, result.Stage));
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
        Assert.Equal("0.1.0", result.PreviousVersion);

        var after = new SlotStore(_slots.Root);
        after.Open();
        Assert.Equal(("a", "0.1.0", SlotState.Committed), (after.Current!.Slot, after.Current.Version, after.Current.State));
        var audit = after.Audit.ReadAll()[^1];
        Assert.Equal(("refuse", failure, fault), (audit.Action, audit.Failure!.Value, audit.RequestId));
    }

    [Fact]
    public void ForceInstallsAnOlderVersion()
    {
        var (archive, sig) = Signed(Fixtures.SmallBundle(_temp.Sub("old"), "0.0.9"));
        Assert.Equal(UpdateFailure.OlderVersion, _updater.Precheck(sig, new UpdateRequest())!.Failure);
        Assert.Null(_updater.Precheck(sig, new UpdateRequest { Force = true }));
        var result = _updater.Install(archive, sig, new UpdateRequest { Force = true });
        Assert.True(result.Ok, result.Reason);
        Assert.Equal("0.0.9", _slots.Current!.Version);
    }

    [Fact]
    public async Task InstallFromUrlDownloadsVerifiesAndInstalls()
    {
        var (archive, sig) = Signed(Fixtures.SmallBundle(_temp.Sub("v3"), "0.3.0"));
        using var server = new TestHttpServer(File.ReadAllBytes(archive.Path));
        using var http = new HttpClient();
        var downloader = new BundleDownloader(http);
        var ok = await _updater.InstallFromUrlAsync(downloader, server.Url("full"), sig, new UpdateRequest());
        Assert.True(ok.Ok, ok.Reason);
        _updater.Commit();

        var (archive4, sig4) = Signed(Fixtures.SmallBundle(_temp.Sub("v4"), "0.4.0"));
        using var server4 = new TestHttpServer(File.ReadAllBytes(archive4.Path));
        var truncated = await _updater.InstallFromUrlAsync(downloader, server4.Url("truncated"), sig4, new UpdateRequest());
        Assert.False(truncated.Ok);
        Assert.Equal((UpdateStage.Receive, UpdateFailure.Truncated), (truncated.Stage, truncated.Failure));
        Assert.Equal("0.3.0", _slots.Current!.Version);
        Assert.Empty(Directory.GetFiles(_slots.TempFolder));
    }

    private sealed class Recorder(List<UpdateStage> stages) : IProgress<UpdateProgress>
    {
        public void Report(UpdateProgress value) => stages.Add(value.Stage);
    }
}
