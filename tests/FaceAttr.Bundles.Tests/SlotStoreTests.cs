using FaceAttr.Bundles.Slots;
using FaceAttr.Bundles.Updating;

namespace FaceAttr.Bundles.Tests;

public sealed class SlotStoreTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _v1;
    private readonly string _v2;

    public SlotStoreTests()
    {
        _v1 = Fixtures.SmallBundle(_temp.Sub("v1"), "0.1.0");
        _v2 = Fixtures.SmallBundle(_temp.Sub("v2"), "0.2.0");
    }

    public void Dispose() => _temp.Dispose();

    private string Root => _temp.Sub("store");

    private SlotStore OpenStore(SlotStoreOptions? options = null)
    {
        var store = new SlotStore(Root, options);
        store.Open();
        return store;
    }

    /// <summary>A store with v1 installed and committed in slot a.</summary>
    private SlotStore WithV1(SlotStoreOptions? options = null)
    {
        var store = OpenStore();
        store.Activate(store.Install(_v1));
        store.Commit();
        return options is null ? store : OpenStore(options);
    }

    [Fact]
    public void InstallSwitchCommitRollback()
    {
        var store = WithV1();
        Assert.Equal(("a", "0.1.0", SlotState.Committed), (store.Current!.Slot, store.Current.Version, store.Current.State));

        var v2 = store.Activate(store.Install(_v2, archiveSha256: "ab"));
        Assert.Equal(("b", SlotState.Trial), (v2.Slot, v2.State));
        Assert.Equal("a", store.Previous!.Slot);

        var reopened = OpenStore();
        Assert.Equal(("b", "0.2.0", SlotState.Trial), (reopened.Current!.Slot, reopened.Current.Version, reopened.Current.State));
        Assert.Equal("0.1.0", reopened.Previous!.Version);

        var back = reopened.Rollback("faces found dropped from 12 to 0");
        Assert.Equal(("a", "0.1.0"), (back.Slot, back.Version));
        Assert.Null(reopened.Previous);
        Assert.Equal("a", OpenStore().Current!.Slot);
        Assert.Equal(UpdateFailure.NoPrevious, Assert.Throws<UpdateException>(() => reopened.Rollback("again")).Failure);

        var actions = reopened.Audit.ReadAll().Select(e => e.Action).ToList();
        Assert.Equal(["install", "switch", "commit", "install", "switch", "rollback", "rollback"], actions);
        Assert.Contains("faces found dropped", reopened.Audit.ReadAll()[5].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherInstallDuringATrialIsRefused()
    {
        var store = WithV1();
        store.Activate(store.Install(_v2));
        Assert.Equal(UpdateFailure.Busy, Assert.Throws<UpdateException>(() => store.Install(_v1)).Failure);
        store.Commit();
        Assert.Equal("a", store.Install(_v1).Slot);
    }

    [Fact]
    public void ACorruptedCurrentSlotFallsBackToPrevious()
    {
        var store = WithV1();
        store.Activate(store.Install(_v2));
        File.AppendAllText(Path.Combine(store.SlotFolder("b"), "blazeface-front.onnx"), "bit rot");

        var reopened = new SlotStore(Root);
        var notes = reopened.Open();
        Assert.Equal(("a", "0.1.0"), (reopened.Current!.Slot, reopened.Current.Version));
        Assert.Contains(notes, n => n.Contains("differs from its seal", StringComparison.Ordinal));
        Assert.Equal("recover", reopened.Audit.ReadAll()[^1].Action);
    }

    [Fact]
    public void ALostCurrentPointerIsRebuiltFromTheNewestVerifiedSlot()
    {
        var store = WithV1();
        store.Activate(store.Install(_v2));
        File.WriteAllText(Path.Combine(Root, "current"), "{garbage");
        File.Delete(Path.Combine(Root, "previous"));
        var reopened = OpenStore();
        Assert.Equal(("b", "0.2.0", SlotState.Committed), (reopened.Current!.Slot, reopened.Current.Version, reopened.Current.State));
    }

    [Fact]
    public void AnExtraFileInASlotMakesItUnverified()
    {
        var store = WithV1();
        File.WriteAllText(Path.Combine(store.SlotFolder("a"), "dropped-in.onnx"), "x");
        Assert.Null(OpenStore().Current);
    }

    public static TheoryData<SlotStep, int> CrashPoints()
    {
        var data = new TheoryData<SlotStep, int>();
        foreach (var step in Enum.GetValues<SlotStep>().Where(s => s is not (SlotStep.Committed or SlotStep.RolledBack)))
        {
            data.Add(step, 1);
        }

        data.Add(SlotStep.FileCopied, 2);
        data.Add(SlotStep.FileCopied, 3);
        return data;
    }

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public void ACrashAtAnyInstallStepRecoversToAVerifiedSlot(SlotStep crashAt, int occurrence)
    {
        WithV1();
        var seen = 0;
        var crashing = OpenStore(new SlotStoreOptions
        {
            StepHook = (step, _) =>
            {
                if (step == crashAt && ++seen == occurrence)
                {
                    throw new SimulatedCrashException($"killed at {step} #{occurrence}");
                }
            },
        });
        Assert.Throws<SimulatedCrashException>(() => crashing.Activate(crashing.Install(_v2)));

        // "Restart": a new store over the same root must serve a verified slot: the old one, or the new one once current was written.
        var recovered = OpenStore();
        var current = recovered.Current!;
        Assert.NotNull(recovered.Verify(current.Slot, current.SealSha256, current.State, out var problem));
        Assert.Null(problem);
        Assert.Equal(crashAt == SlotStep.CurrentWritten ? "0.2.0" : "0.1.0", current.Version);
        if (recovered.Previous is { } previous)
        {
            Assert.NotEqual(current.Slot, previous.Slot);
            Assert.NotNull(recovered.Verify(previous.Slot, previous.SealSha256, SlotState.Committed, out _));
        }

        // And the store keeps working: finish the update (or commit it) and restart again.
        if (current.State == SlotState.Trial)
        {
            recovered.Commit();
        }
        else
        {
            recovered.Activate(recovered.Install(_v2));
            recovered.Commit();
        }

        Assert.Equal("0.2.0", OpenStore().Current!.Version);
    }

    [Fact]
    public void ACrashDuringRollbackLeavesAVerifiedSlot()
    {
        var store = WithV1();
        store.Activate(store.Install(_v2));
        var crashing = OpenStore(new SlotStoreOptions
        {
            StepHook = (step, _) => { if (step == SlotStep.RolledBack) { throw new SimulatedCrashException("killed"); } },
        });
        Assert.Throws<SimulatedCrashException>(() => crashing.Rollback("test"));
        var recovered = OpenStore();
        Assert.Equal("0.1.0", recovered.Current!.Version);
        Assert.Null(recovered.Previous); // previous named the now-current slot; dropped
    }

    [Fact]
    public void DiskFullDuringInstallKeepsTheCurrentSlotAndFreesTheHalfWrittenOne()
    {
        WithV1();
        var store = OpenStore(new SlotStoreOptions { WrapWrite = Fixtures.DiskFullAfter(300_000) });
        var ex = Assert.Throws<UpdateException>(() => store.Install(_v2));
        Assert.Equal((UpdateStage.Install, UpdateFailure.DiskFull), (ex.Stage, ex.Failure));
        Assert.Equal("0.1.0", store.Current!.Version);
        Assert.Empty(Directory.GetFileSystemEntries(store.SlotFolder("b")));
        Assert.Equal("0.1.0", OpenStore().Current!.Version);
    }

    [Fact]
    public void OpenEmptiesTmpAndTempFiles()
    {
        var store = WithV1();
        File.WriteAllText(Path.Combine(store.TempFolder, "incoming-x.part"), "partial");
        File.WriteAllText(Path.Combine(Root, "current.tmp"), "torn");
        OpenStore();
        Assert.Empty(Directory.GetFiles(store.TempFolder));
        Assert.False(File.Exists(Path.Combine(Root, "current.tmp")));
    }

    private sealed class SimulatedCrashException(string message) : Exception(message);
}
