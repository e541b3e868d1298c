namespace FaceAttr.Bundles.Updating;

/// <summary>
/// The outcome of an update, rollback or recovery, shaped for <c>faceattr/{device}/update</c> and the MQTT 5
/// response (serialize with <see cref="UpdateJson.Options"/>).
/// </summary>
public sealed record UpdateResult
{
    /// <summary>The request's id, when known.</summary>
    public string? RequestId { get; init; }

    /// <summary>Whether the step succeeded.</summary>
    public required bool Ok { get; init; }

    /// <summary>The last stage reached (the failing one when <see cref="Ok"/> is false).</summary>
    public required UpdateStage Stage { get; init; }

    /// <summary>Machine-readable failure code; <see cref="UpdateFailure.None"/> on success.</summary>
    public UpdateFailure Failure { get; init; }

    /// <summary>Why it failed, or what happened, for people.</summary>
    public required string Reason { get; init; }

    /// <summary>Bundle name (from the signature or manifest), when known.</summary>
    public string? Bundle { get; init; }

    /// <summary>Bundle version of the update, when known.</summary>
    public string? Version { get; init; }

    /// <summary>Lower-case hex sha256 of the archive, when known.</summary>
    public string? ArchiveSha256 { get; init; }

    /// <summary>Slot the bundle went into (<c>a</c>/<c>b</c>), when installed.</summary>
    public string? Slot { get; init; }

    /// <summary>The version that was current before, when any.</summary>
    public string? PreviousVersion { get; init; }

    /// <summary>Milliseconds the step took.</summary>
    public long ElapsedMs { get; init; }

    /// <summary>A failed result from an exception.</summary>
    public static UpdateResult Failed(UpdateException error, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new UpdateResult
        {
            RequestId = requestId,
            Ok = false,
            Stage = error.Stage,
            Failure = error.Failure,
            Reason = error.Message,
        };
    }
}
