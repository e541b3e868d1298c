namespace FaceAttr.Device.Tests;

/// <summary>Board paths pointing at the fixture copies of real board files (see Fixtures/README.md).</summary>
internal static class Fixtures
{
    public static string Root(string board) => Path.Combine(AppContext.BaseDirectory, "Fixtures", board);

    public static BoardPaths PathsFor(string board, string? vcgencmdBoard = null)
    {
        var root = Root(board);
        // Not under usr/bin: the repository ignores every bin/ folder, so the stand-ins would never be committed.
        var vcgencmd = Path.Combine(Root(vcgencmdBoard ?? board), "vcgencmd");
        if (File.Exists(vcgencmd) && !OperatingSystem.IsWindows())
        {
            // The build copy may drop the executable bit that git keeps.
            File.SetUnixFileMode(vcgencmd, File.GetUnixFileMode(vcgencmd) | UnixFileMode.UserExecute);
        }

        return new BoardPaths
        {
            DeviceTreeModel = Path.Combine(root, "proc", "device-tree", "model"),
            ThermalRoot = Path.Combine(root, "sys", "class", "thermal"),
            FirmwareThrottled = Path.Combine(root, "sys", "devices", "platform", "soc", "soc_firmware", "get_throttled"),
            Vcgencmd = vcgencmd,
        };
    }
}
