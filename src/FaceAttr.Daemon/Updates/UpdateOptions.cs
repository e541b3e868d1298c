namespace FaceAttr.Daemon;

/// <summary>
/// Remote model updates, section <c>FaceAttr:Updates</c>. Off until at least one trusted public key is configured: a
/// device never runs a model nobody it trusts has signed.
/// </summary>
public sealed class UpdateOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "FaceAttr:Updates";

    /// <summary>PEM public keys (files or folders of <c>*.pem</c>) whose signatures this device accepts; several for key rotation.</summary>
    public IList<string> TrustedKeys { get; set; } = new List<string>();

    /// <summary>Where the A/B slots, their pointers, temp files and the audit log live. Default <c>/var/lib/faceattr</c>.</summary>
    public string StateRoot { get; set; } = "/var/lib/faceattr";

    /// <summary>Seconds the new models run under watch before the update is committed. Range 1–3600; default 20.</summary>
    public double HealthWindowSeconds { get; set; } = 20;

    /// <summary>Largest bundle archive accepted, MB. Range 1–4096; default 256.</summary>
    public int MaxBundleMegabytes { get; set; } = 256;

    /// <summary>The new models are unhealthy when their mean frame latency exceeds the old mean times this. Range 1.1–100; default 3.</summary>
    public double MaxLatencyRatio { get; set; } = 3;

    /// <summary>True when updates are configured (at least one trusted key).</summary>
    public bool Enabled => TrustedKeys.Count > 0;

    /// <summary>Throws <see cref="OptionsException"/> naming the first invalid key.</summary>
    public void Validate()
    {
        if (!Enabled)
        {
            return;
        }

        if (!Path.IsPathFullyQualified(StateRoot))
        {
            throw new OptionsException($"{Section}:StateRoot '{StateRoot}' must be an absolute path");
        }

        for (var i = 0; i < TrustedKeys.Count; i++)
        {
            if (!File.Exists(TrustedKeys[i]) && !Directory.Exists(TrustedKeys[i]))
            {
                throw new OptionsException($"{Section}:TrustedKeys:{i} '{TrustedKeys[i]}' is neither a PEM file nor a folder");
            }
        }

        Range(HealthWindowSeconds, 1, 3600, nameof(HealthWindowSeconds));
        Range(MaxBundleMegabytes, 1, 4096, nameof(MaxBundleMegabytes));
        Range(MaxLatencyRatio, 1.1, 100, nameof(MaxLatencyRatio));
    }

    private static void Range(double value, double min, double max, string key)
    {
        if (!(value >= min && value <= max))
        {
            throw new OptionsException($"{Section}:{key} {value} is outside the allowed range {min}–{max}");
        }
    }
}
