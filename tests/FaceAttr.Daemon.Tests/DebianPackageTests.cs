using FaceAttr.TestSupport;
using Microsoft.Extensions.Configuration;
using Xunit.Abstractions;

namespace FaceAttr.Daemon.Tests;

/// <summary>
/// The arm64 .deb built by tools/packaging/build-deb.sh, inspected and installed into a scratch root with the real dpkg
/// (chrootless maintainer scripts honouring $DPKG_ROOT): install, upgrade keeping a local config edit, remove keeping
/// configuration, purge removing configuration, state and the service user. Needs root, as CI has.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DebianPackageTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("faceattr-deb-root-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task ThePackageInstallsUpgradesRemovesAndPurgesLikeADebianPackage()
    {
        Assert.True(Environment.UserName == "root" || TestPaths.InCi, "dpkg --root needs root: run the tests as root (CI does)");
        var (built, buildLog) = await Run(Path.Combine(TestPaths.RepoRoot, "tools", "packaging", "build-deb.sh"), "arm64");
        Assert.True(built == 0, buildLog);
        var deb = Path.Combine(TestPaths.RepoRoot, "artifacts", "deb", "faceattr_0.1.0_arm64.deb");
        output.WriteLine(buildLog);

        // The control file and the unit, as an inspector reads them.
        var (_, info) = await Run("dpkg-deb", "-I", deb);
        Assert.Contains("Architecture: arm64", info, StringComparison.Ordinal);
        Assert.Contains("Depends: libc6", info, StringComparison.Ordinal);
        var unit = await File.ReadAllTextAsync(Path.Combine(TestPaths.RepoRoot, "tools", "packaging", "deb", "faceattrd.service"));
        foreach (var line in new[] { "Type=notify", "WatchdogSec=30", "Restart=on-failure", "User=faceattr", "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/faceattr" })
        {
            Assert.Contains(line + "\n", unit, StringComparison.Ordinal);
        }

        PrepareScratchRoot(board: "Raspberry Pi 5 Model B Rev 1.0");
        await Dpkg("-i", deb);
        Assert.True(File.Exists(At("usr/lib/faceattr/faceattrd")));
        Assert.True(File.Exists(At("usr/share/faceattr/models/default/manifest.json")));
        Assert.True(File.Exists(At("lib/systemd/system/faceattrd.service")));
        Assert.Equal("/usr/share/faceattr/profiles/raspberry-pi-5.json", new FileInfo(At("etc/faceattr/profile.json")).LinkTarget);
        var passwd = await File.ReadAllLinesAsync(At("etc/passwd"));
        Assert.Contains(passwd, l => l.StartsWith("faceattr:", StringComparison.Ordinal) && l.EndsWith(":/var/lib/faceattr:/usr/sbin/nologin", StringComparison.Ordinal));
        var groups = await File.ReadAllLinesAsync(At("etc/group"));
        Assert.Contains(groups, l => l.StartsWith("video:", StringComparison.Ordinal) && l.Split(':')[3].Split(',').Contains("faceattr"));
        Assert.Contains(groups, l => l.StartsWith("gpio:", StringComparison.Ordinal) && l.Split(':')[3].Split(',').Contains("faceattr"));
        Assert.True(Directory.Exists(At("var/lib/faceattr")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute,
            File.GetUnixFileMode(At("var/lib/faceattr")));

        // The installed site config and the board profile load through the daemon's own configuration code.
        var configuration = DaemonConfiguration.Build(["--config", At("usr/share/faceattr/profiles/raspberry-pi-5.json"), "--config", At("etc/faceattr/faceattrd.json")]);
        var options = configuration.GetSection(DaemonOptions.Section).Get<DaemonOptions>()!;
        options.Validate();
        Assert.Equal(("rpicam", "/usr/share/faceattr/models/default", false), (options.Source, options.Bundle, options.PrintEvents));

        // Upgrade (reinstall) keeps an operator's edit of the conffile; the state folder survives.
        var edited = (await File.ReadAllTextAsync(At("etc/faceattr/faceattrd.json"))).Replace("\"PrintEvents\": false", "\"PrintEvents\": false, \"DeviceId\": \"lobby-1\"", StringComparison.Ordinal);
        await File.WriteAllTextAsync(At("etc/faceattr/faceattrd.json"), edited);
        await File.WriteAllTextAsync(At("var/lib/faceattr/audit.log"), "kept\n");
        await Dpkg("--force-confold", "-i", deb);
        Assert.Contains("lobby-1", await File.ReadAllTextAsync(At("etc/faceattr/faceattrd.json")), StringComparison.Ordinal);
        Assert.True(File.Exists(At("var/lib/faceattr/audit.log")));

        // Remove keeps configuration and state; purge removes them and the user.
        await Dpkg("--remove", "faceattr");
        Assert.False(File.Exists(At("usr/lib/faceattr/faceattrd")));
        Assert.True(File.Exists(At("etc/faceattr/faceattrd.json")));
        Assert.True(File.Exists(At("var/lib/faceattr/audit.log")));
        await Dpkg("--purge", "faceattr");
        Assert.False(Directory.Exists(At("etc/faceattr")));
        Assert.False(Directory.Exists(At("var/lib/faceattr")));
        Assert.DoesNotContain(await File.ReadAllLinesAsync(At("etc/passwd")), l => l.StartsWith("faceattr:", StringComparison.Ordinal));
    }

    private string At(string relative) => Path.Combine(_root, relative);

    private void PrepareScratchRoot(string board)
    {
        foreach (var dir in new[] { "var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "etc", "proc/device-tree" })
        {
            Directory.CreateDirectory(At(dir));
        }

        File.WriteAllText(At("var/lib/dpkg/status"), string.Empty);
        // A minimal system: root and the groups a Raspberry Pi OS image has for cameras and GPIO.
        File.WriteAllText(At("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        File.WriteAllText(At("etc/shadow"), "root:*:19000:0:99999:7:::\n");
        File.WriteAllText(At("etc/group"), "root:x:0:\nvideo:x:44:\ngpio:x:997:\n");
        File.WriteAllText(At("etc/gshadow"), "root:*::\nvideo:*::\ngpio:!::\n");
        File.WriteAllText(At("proc/device-tree/model"), board + "\0");
    }

    private async Task Dpkg(params string[] args)
    {
        var (exit, log) = await Run("dpkg", [$"--root={_root}", "--force-script-chrootless", "--force-depends", "--force-architecture", "--log=/dev/null", .. args]);
        output.WriteLine($"dpkg {string.Join(' ', args)}: {exit}\n{log}");
        Assert.True(exit == 0, log);
    }

    private static async Task<(int Exit, string Output)> Run(string program, params string[] args)
    {
        var (exit, stdout, stderr) = await ChildProcess.Run(program, args);
        return (exit, stdout + stderr);
    }
}
