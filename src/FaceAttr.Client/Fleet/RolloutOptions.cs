using System.Text.Json;

namespace FaceAttr.Client;

/// <summary>What to roll out and how carefully.</summary>
public sealed record RolloutOptions
{
    /// <summary>Where every device downloads the archive (http or https, reachable from the devices); null sends <see cref="Archive"/> over MQTT.</summary>
    public Uri? Url { get; init; }

    /// <summary>The archive itself, sent in <see cref="ChunkBytes"/> pieces over MQTT to each device when there is no <see cref="Url"/> (sites with only a broker).</summary>
    public ReadOnlyMemory<byte> Archive { get; init; }

    /// <summary>
    /// Size of one MQTT chunk. Range 4–45 KB; default 32 KB: base64 inside the JSON command stays under the device's
    /// 64 KB command payload limit.
    /// </summary>
    public int ChunkBytes { get; init; } = 32 * 1024;

    /// <summary>The archive's signature document (the <c>.sig</c> JSON), passed to the devices unchanged.</summary>
    public required JsonElement Signature { get; init; }

    /// <summary>Percentage of the devices updated first (the canary); the rest only when every canary succeeded. 0–100; 0 updates all at once.</summary>
    public double CanaryPercent { get; init; } = 10;

    /// <summary>How long one device may take from the command to its final state (download, checks, health window).</summary>
    public TimeSpan DeviceTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Install even over a newer version (downgrade).</summary>
    public bool Force { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        if (Url is null ? Archive.IsEmpty : Url.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("give the bundle as an http:// or https:// URL, or its bytes to send over MQTT", nameof(Url));
        }

        if (ChunkBytes is < 4096 or > 45 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkBytes), ChunkBytes, "must be 4–45 KB");
        }

        if (Signature.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("the signature must be the .sig JSON object", nameof(Signature));
        }

        if (!(CanaryPercent is >= 0 and <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(CanaryPercent), CanaryPercent, "must be 0–100");
        }

        if (DeviceTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(DeviceTimeout), DeviceTimeout, "must be positive");
        }
    }
}

/// <summary>Where one device ended up.</summary>
/// <param name="Device">Device id.</param>
/// <param name="Phase"><c>canary</c> or <c>rest</c>.</param>
/// <param name="State"><c>succeeded</c>, <c>failed</c>, <c>rolled_back</c> (by its health window), <c>refused</c> (the command was refused), <c>timeout</c>, <c>skipped</c> (not attempted after a failure), <c>reverted</c> (rolled back by the rollout after another device failed), or an in-between update state.</param>
/// <param name="Version">The version it reports running or installing.</param>
/// <param name="Failure">Machine-readable reason, when it did not succeed.</param>
/// <param name="Message">The device's own words.</param>
public sealed record DeviceOutcome(string Device, string Phase, string State, string? Version = null, string? Failure = null, string? Message = null)
{
    /// <summary>True for the states after which nothing more happens to this device in this rollout.</summary>
    public bool IsFinal => State is "succeeded" or "failed" or "rolled_back" or "refused" or "timeout" or "skipped" or "reverted";
}

/// <summary>The result of a rollout: every device's outcome, and whether the rollout went all the way.</summary>
/// <param name="Outcomes">One per device, in rollout order.</param>
/// <param name="Completed">True when every device succeeded.</param>
/// <param name="StoppedReason">Why the rollout stopped early, if it did.</param>
public sealed record RolloutReport(IReadOnlyList<DeviceOutcome> Outcomes, bool Completed, string? StoppedReason);
