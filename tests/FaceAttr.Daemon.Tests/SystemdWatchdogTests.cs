using System.Net.Sockets;
using System.Text;
using FaceAttr.TestSupport;

namespace FaceAttr.Daemon.Tests;

/// <summary>The daemon feeds systemd's watchdog through $NOTIFY_SOCKET, as it would under a unit with WatchdogSec=.</summary>
public sealed class SystemdWatchdogTests
{
    [Fact]
    public async Task WatchdogPingsArriveOnTheNotifySocketWhileThePipelineRuns()
    {
        var path = Path.Combine(Path.GetTempPath(), $"faceattr-notify-{Guid.NewGuid():N}.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            await using var daemon = DaemonProcess.Start(
                new Dictionary<string, string> { ["NOTIFY_SOCKET"] = path, ["WATCHDOG_USEC"] = "600000" },
                "--FaceAttr:MaxFrames=15", "--FaceAttr:Fps=5", "--FaceAttr:EmbeddedBrokerPort=0", "--FaceAttr:PrintEvents=false",
                $"--FaceAttr:Bundle={TestPaths.RequireBundle()}");

            var pings = 0;
            var buffer = new byte[256];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (pings < 3)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (Encoding.ASCII.GetString(buffer, 0, n).Contains("WATCHDOG=1", StringComparison.Ordinal))
                {
                    pings++;
                }
            }

            Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("systemd watchdog: 0.6 s", daemon.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
