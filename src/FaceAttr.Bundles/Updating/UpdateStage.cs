using System.Text.Json.Serialization;

namespace FaceAttr.Bundles.Updating;

/// <summary>Where an update is (or where it failed). Serialized as the snake_case string in brackets.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UpdateStage>))]
public enum UpdateStage
{
    /// <summary>Downloading or receiving chunks into a temp file (<c>receive</c>).</summary>
    [JsonStringEnumMemberName("receive")] Receive,

    /// <summary>Checking the signature and the archive hash (<c>verify</c>).</summary>
    [JsonStringEnumMemberName("verify")] Verify,

    /// <summary>Unpacking the verified archive into a staging folder (<c>extract</c>).</summary>
    [JsonStringEnumMemberName("extract")] Extract,

    /// <summary>Manifest, versions, ONNX contracts and a test inference (<c>check</c>).</summary>
    [JsonStringEnumMemberName("check")] Check,

    /// <summary>Writing the inactive A/B slot (<c>install</c>).</summary>
    [JsonStringEnumMemberName("install")] Install,

    /// <summary>Pointing <c>current</c> at the new slot (<c>switch</c>).</summary>
    [JsonStringEnumMemberName("switch")] Switch,

    /// <summary>Running the new models under watch after the swap (<c>health</c>; the daemon's part).</summary>
    [JsonStringEnumMemberName("health")] Health,

    /// <summary>The update is kept (<c>commit</c>).</summary>
    [JsonStringEnumMemberName("commit")] Commit,

    /// <summary>Back to the previous slot (<c>rollback</c>).</summary>
    [JsonStringEnumMemberName("rollback")] Rollback,

    /// <summary>Start-up recovery of the slot pointers (<c>recover</c>).</summary>
    [JsonStringEnumMemberName("recover")] Recover,
}

/// <summary>Why an update failed, as a stable code for machines; the reason string says it for people.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<UpdateFailure>))]
public enum UpdateFailure
{
    /// <summary>Nothing failed.</summary>
    [JsonStringEnumMemberName("none")] None,

    /// <summary>The archive is larger than the configured cap.</summary>
    [JsonStringEnumMemberName("too_large")] TooLarge,

    /// <summary>Fewer bytes arrived than announced (connection dropped, missing chunk).</summary>
    [JsonStringEnumMemberName("truncated")] Truncated,

    /// <summary>The transfer itself failed (HTTP status, chunk out of order, bad URL).</summary>
    [JsonStringEnumMemberName("transfer_failed")] TransferFailed,

    /// <summary>The signature file is malformed or uses an algorithm this runtime does not accept.</summary>
    [JsonStringEnumMemberName("bad_signature_file")] BadSignatureFile,

    /// <summary>The signing key is not in the device's trust store.</summary>
    [JsonStringEnumMemberName("unknown_key")] UnknownKey,

    /// <summary>The signature does not verify with the named key.</summary>
    [JsonStringEnumMemberName("bad_signature")] BadSignature,

    /// <summary>The archive's sha256 or length differs from the signed one.</summary>
    [JsonStringEnumMemberName("hash_mismatch")] HashMismatch,

    /// <summary>An archive entry is unsafe (path traversal, link, device, bomb, duplicate) or the archive is corrupt.</summary>
    [JsonStringEnumMemberName("unsafe_archive")] UnsafeArchive,

    /// <summary>The manifest is malformed or disagrees with the signed name/version.</summary>
    [JsonStringEnumMemberName("bad_manifest")] BadManifest,

    /// <summary>Taxonomy or runtime version does not fit this device.</summary>
    [JsonStringEnumMemberName("incompatible")] Incompatible,

    /// <summary>A model's ONNX graph breaks its manifest entry (names, shapes, types, hash).</summary>
    [JsonStringEnumMemberName("contract_mismatch")] ContractMismatch,

    /// <summary>ONNX Runtime cannot load a model.</summary>
    [JsonStringEnumMemberName("unloadable_model")] UnloadableModel,

    /// <summary>The test inference gave NaN/Inf or out-of-range outputs, or failed.</summary>
    [JsonStringEnumMemberName("bad_output")] BadOutput,

    /// <summary>The bundle is older than (or the same as) the installed one and the update was not forced.</summary>
    [JsonStringEnumMemberName("older_version")] OlderVersion,

    /// <summary>The device ran out of disk space.</summary>
    [JsonStringEnumMemberName("disk_full")] DiskFull,

    /// <summary>Another file-system error.</summary>
    [JsonStringEnumMemberName("io_error")] IoError,

    /// <summary>The health window after the swap failed (set by the daemon).</summary>
    [JsonStringEnumMemberName("unhealthy")] Unhealthy,

    /// <summary>Nothing to roll back to.</summary>
    [JsonStringEnumMemberName("no_previous")] NoPrevious,

    /// <summary>Another update is in its trial (health window); commit or roll back first.</summary>
    [JsonStringEnumMemberName("busy")] Busy,

    /// <summary>The operation was cancelled.</summary>
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}
