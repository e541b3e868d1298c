using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FaceAttr.Bundles.Signing;
using FaceAttr.Bundles.Updating;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Events;
using FaceAttr.Messaging;
using FaceAttr.TestSupport;

namespace FaceAttr.Daemon.Tests;

/// <summary>
/// The trimmed daemon reads and writes JSON through source-generated contexts, the rest of the build through
/// reflection. Real documents — the imported bundle's manifest, a real signature, payloads the daemon publishes — must
/// come out the same both ways, or the published daemon would behave differently from the tested one.
/// </summary>
public sealed class JsonResolverTests
{
    [Fact]
    public void TheRealManifestReadsTheSameThroughTheContext()
    {
        var json = File.ReadAllText(Path.Combine(TestPaths.RequireBundle(), ManifestSerializer.FileName));
        var contextOptions = new JsonSerializerOptions(ManifestSerializer.Options) { TypeInfoResolver = ManifestJsonContext.Default };
        var viaReflection = ManifestSerializer.Parse(json, "manifest.json");
        var viaContext = JsonSerializer.Deserialize(json, (JsonTypeInfo<BundleManifest>)contextOptions.GetTypeInfo(typeof(BundleManifest)))!;
        Assert.Equal(ManifestSerializer.ToJson(viaReflection), JsonSerializer.Serialize(viaContext, (JsonTypeInfo<BundleManifest>)contextOptions.GetTypeInfo(typeof(BundleManifest))));
    }

    [Fact]
    public void PublishedPayloadsAreTheSameBytesThroughTheContext()
    {
        var contextOptions = new JsonSerializerOptions(PayloadSerializer.Options) { TypeInfoResolver = PayloadJsonContext.Default };
        var trackEvent = new TrackEvent
        {
            Kind = TrackEventKind.Enter, Device = "kiosk", TrackId = 3, Seq = 7, Timestamp = DateTimeOffset.UnixEpoch.AddDays(20000),
            DwellSeconds = 1.5, Attributes = new Dictionary<string, Core.Faces.AttributeValue>
            {
                ["gender"] = new() { Head = "gender", Label = "female", Probability = 0.9f, Distribution = [0.9f, 0.1f], Model = "faceres" },
            },
        };
        var status = new DeviceStatus { Device = "kiosk", Groups = ["lobby"], Camera = new CameraStatus { State = CameraState.Unavailable, Detail = "ENODEV" } };
        var stats = new DeviceStats { Device = "kiosk", Timestamp = DateTimeOffset.UnixEpoch, FpsIn = 5, CpuTemperatureC = 51.5 };
        Assert.Equal(Encoding.UTF8.GetString(PayloadSerializer.SerializeEvent(trackEvent)), Serialize(trackEvent, contextOptions));
        Assert.Equal(Encoding.UTF8.GetString(PayloadSerializer.SerializeStatus(status)), Serialize(status, contextOptions));
        Assert.Equal(Encoding.UTF8.GetString(PayloadSerializer.SerializeStats(stats)), Serialize(stats, contextOptions));
        Assert.Equal(Serialize(new UpdateAccepted("r1", "b", "0.2.0", "0.1.0"), PayloadSerializer.Options), Serialize(new UpdateAccepted("r1", "b", "0.2.0", "0.1.0"), contextOptions));
    }

    [Fact]
    public void ARealSignatureReadsTheSameThroughTheContext()
    {
        using var key = SigningKey.Generate();
        var signature = key.Sign(new string('a', 64), 1234, "faceattr-default", "0.2.0");
        var json = signature.ToJson();
        var contextOptions = new JsonSerializerOptions(UpdateJson.Options) { TypeInfoResolver = BundlesJsonContext.Default };
        var viaContext = JsonSerializer.Deserialize(json, (JsonTypeInfo<BundleSignature>)contextOptions.GetTypeInfo(typeof(BundleSignature)))!;
        Assert.Equal(BundleSignature.Parse(json, "sig"), viaContext);
    }

    private static string Serialize<T>(T value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(value, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
}
