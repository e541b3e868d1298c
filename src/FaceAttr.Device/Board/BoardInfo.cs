using System.Text.RegularExpressions;

namespace FaceAttr.Device;

/// <summary>What board the daemon runs on, from the device-tree model string.</summary>
/// <param name="Model">The model string as the board reports it (e.g. <c>Raspberry Pi 5 Model B Rev 1.0</c>); null without a device tree.</param>
/// <param name="Family">The family it belongs to.</param>
public sealed partial record BoardInfo(string? Model, BoardFamily Family)
{
    /// <summary>Reads <see cref="BoardPaths.DeviceTreeModel"/>; a missing or unreadable file gives an unknown board, not an error.</summary>
    public static BoardInfo Read(BoardPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        string text;
        try
        {
            text = File.ReadAllText(paths.DeviceTreeModel);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new BoardInfo(null, BoardFamily.Unknown);
        }

        // Device-tree strings end with NUL; some kernels add a newline.
        var model = text.TrimEnd('\0', '\n', ' ');
        return new BoardInfo(model.Length == 0 ? null : model, Classify(model));
    }

    /// <summary>The family of a device-tree model string.</summary>
    public static BoardFamily Classify(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var pi = RaspberryPiModel().Match(model);
        if (pi.Success)
        {
            // "Raspberry Pi 400" and "Compute Module 4" are BCM2711 like the 4; "500" and "Compute Module 5" like the 5.
            var number = pi.Groups["n"].Value;
            return number[0] switch
            {
                '4' => BoardFamily.RaspberryPi4,
                '5' => BoardFamily.RaspberryPi5,
                _ => BoardFamily.RaspberryPi,
            };
        }

        if (model.Contains("Jetson", StringComparison.OrdinalIgnoreCase))
        {
            return model.Contains("Orin", StringComparison.OrdinalIgnoreCase) ? BoardFamily.JetsonOrin
                : model.Contains("Nano", StringComparison.OrdinalIgnoreCase) ? BoardFamily.JetsonNano
                : BoardFamily.Jetson;
        }

        return model.StartsWith("Raspberry Pi", StringComparison.Ordinal) ? BoardFamily.RaspberryPi : BoardFamily.Unknown;
    }

    [GeneratedRegex(@"^Raspberry Pi (?:Compute Module )?(?<n>\d+)")]
    private static partial Regex RaspberryPiModel();
}
