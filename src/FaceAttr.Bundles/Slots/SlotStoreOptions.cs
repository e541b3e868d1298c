namespace FaceAttr.Bundles.Slots;

/// <summary>Settings of a <see cref="SlotStore"/>.</summary>
public sealed record SlotStoreOptions
{
    /// <summary>Audit log file. Default: <c>audit.jsonl</c> in the store root.</summary>
    public string? AuditPath { get; init; }

    /// <summary>
    /// Called between the steps of every change (<see cref="SlotStep"/>, detail such as the file name). For
    /// tests: throw from it to simulate a crash at that point. Null in production.
    /// </summary>
    public Action<SlotStep, string?>? StepHook { get; init; }

    /// <summary>Wraps the stream every slot file is written through. For tests: simulate a full disk. Null in production.</summary>
    public Func<Stream, Stream>? WrapWrite { get; init; }
}
