using FaceAttr.Tracking;
using Microsoft.Extensions.Configuration;

namespace FaceAttr.Daemon;

/// <summary>Binds <c>FaceAttr:Tracking</c> to <see cref="TrackerOptions"/> (exit timeout, minimum dwell, fusion half-lives, quality gates).</summary>
public static class TrackingSettings
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "FaceAttr:Tracking";

    /// <summary>Reads and validates the tracker options; defaults where the section is silent.</summary>
    /// <exception cref="OptionsException">A value is out of range; the message names the key.</exception>
    public static TrackerOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(Section).Get<TrackerOptions>() ?? new TrackerOptions();
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            var value = ex is ArgumentOutOfRangeException { ActualValue: { } actual } ? $" {actual}" : string.Empty;
            throw new OptionsException($"{Section}:{ex.ParamName}{value}: {ex.Message.Split(" (Parameter", 2)[0]}", ex);
        }

        return options;
    }
}
