using FaceAttr.Capture;
using FaceAttr.TestSupport;
using Microsoft.Extensions.Configuration;

namespace FaceAttr.Daemon.Tests;

/// <summary>Every board profile in firmware-config/ loads through the daemon's own configuration code and is valid.</summary>
public sealed class BoardProfileTests
{
    public static TheoryData<string> Profiles() => [.. ProfileFiles()];

    private static List<string> ProfileFiles() =>
        [.. Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "firmware-config"), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Fact]
    public void ThereIsAProfileForEveryBoardTheIssueNames() =>
        Assert.Equal(["jetson-nano.json", "jetson-orin.json", "raspberry-pi-4.json", "raspberry-pi-5.json", "usb-webcam.json"],
            ProfileFiles());

    [Theory]
    [MemberData(nameof(Profiles))]
    public void AProfileLoadsValidatesAndBuildsItsFrameSource(string profile)
    {
        var path = Path.Combine(TestPaths.RepoRoot, "firmware-config", profile);
        var configuration = DaemonConfiguration.Build(["--config", path, "--FaceAttr:DeviceId=profile-test"]);
        var options = configuration.GetSection(DaemonOptions.Section).Get<DaemonOptions>()!;
        options.Validate();
        var messaging = MessagingSettings.From(configuration, options);
        Assert.True(messaging.UseEmbeddedBroker, "a profile must not name a broker: that is the site's setting");
        Assert.Equal("profile-test", options.DeviceId); // the command line still wins over the profile
        Assert.False(options.PrintEvents);
        Assert.False(string.IsNullOrWhiteSpace(configuration["Board:Name"]));

        var source = FrameSourceFactory.Create(options, TestPaths.Bundle, NullCaptureLog.Instance);
        var expected = options.Source switch
        {
            "rpicam" => "pipe:rpicam-vid",
            "argus" => "pipe:gst-launch-1.0",
            "v4l2" => "v4l2:/dev/video0",
            _ => throw new InvalidOperationException($"{profile}: unexpected source {options.Source}"),
        };
        Assert.StartsWith(expected, source.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProfileWithABadValueStopsTheDaemonNamingTheKey()
    {
        var path = Path.Combine(Path.GetTempPath(), $"faceattr-bad-profile-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{ "FaceAttr": { "Source": "rpicam", "Fps": 500 } }""");
        try
        {
            var (exit, _, stderr) = await DaemonProcess.RunAsync("--config", path, $"--FaceAttr:Bundle={TestPaths.RequireBundle()}");
            Assert.Equal(2, exit);
            Assert.Contains("FaceAttr:Fps 500 is outside the allowed range 0.1–120", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("{ \"FaceAttr\": { ", "faceattr-broken.json")]
    [InlineData(null, "faceattr-missing.json")]
    public async Task ABrokenOrMissingConfigFileIsAConfigurationError(string? content, string name)
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")[..8] + name);
        if (content is not null)
        {
            await File.WriteAllTextAsync(path, content);
        }

        try
        {
            var (exit, _, stderr) = await DaemonProcess.RunAsync("--config", path);
            Assert.Equal(2, exit);
            Assert.Contains("configuration error", stderr, StringComparison.Ordinal);
            Assert.Contains(name, stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
