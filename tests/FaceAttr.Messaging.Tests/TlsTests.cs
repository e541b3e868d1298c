using System.Diagnostics;
using Xunit.Abstractions;

namespace FaceAttr.Messaging.Tests;

/// <summary>TLS with a private CA and username/password against a real mosquitto configured for both.</summary>
public class TlsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestLog _log = new(output);
    private MosquittoBroker _broker = null!;
    private TestCertificates _certificates = null!;

    public async Task InitializeAsync()
    {
        UnobservedTaskExceptions.Watch();
        _broker = await MosquittoBroker.StartAsync(persistence: false, folder =>
        {
            _certificates = TestCertificates.Create(folder);
            var passwords = Path.Combine(folder, "passwords");
            using (var tool = Process.Start("/usr/bin/mosquitto_passwd", ["-b", "-c", passwords, "kiosk", "s3cret"]))
            {
                tool.WaitForExit();
                Assert.Equal(0, tool.ExitCode);
            }

            return
            [
                $"cafile {_certificates.CaPath}",
                $"certfile {_certificates.ServerCertPath}",
                $"keyfile {_certificates.ServerKeyPath}",
                "allow_anonymous false",
                $"password_file {passwords}",
            ];
        });
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        UnobservedTaskExceptions.AssertNone();
        _log.AssertNoErrors();
    }

    private MqttOptions Options(string password, string caPath)
    {
        var options = SampleEvents.Options(_broker.Port);
        options.UseTls = true;
        options.CaCertificatePath = caPath;
        options.Username = "kiosk";
        options.Password = password;
        return options;
    }

    [Fact]
    public async Task Publishes_over_tls_with_credentials_and_refuses_a_wrong_ca_or_password()
    {
        await using (var publisher = new MqttPublisher(Options("s3cret", _certificates.CaPath), _log))
        {
            publisher.Start();
            await publisher.WaitUntilConnectedAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            publisher.EnqueueEvent(SampleEvents.Enter("kiosk-1", 1));
            await publisher.FlushAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            Assert.Equal(1, publisher.PublishedEvents);
        }

        var otherCa = TestCertificates.Create(_broker.Folder, "other-ca");
        foreach (var (password, ca, why) in new[] { ("wrong", _certificates.CaPath, "wrong password"), ("s3cret", otherCa.CaPath, "untrusted server certificate") })
        {
            var log = new TestLog(output);
            await using var refused = new MqttPublisher(Options(password, ca), log);
            refused.Start();
            await Task.Delay(500);
            Assert.False(refused.IsConnected, why);
            Assert.Contains(log.At(MessagingLogLevel.Warning), l => l.Contains("cannot connect", StringComparison.Ordinal));
            output.WriteLine($"{why}: {log.At(MessagingLogLevel.Warning).First()}");
        }
    }
}
