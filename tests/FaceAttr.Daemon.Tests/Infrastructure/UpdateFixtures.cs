using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using FaceAttr.Bundles.Packing;
using FaceAttr.Bundles.Signing;
using FaceAttr.Core.Bundles;
using FaceAttr.Onnx.Writing;
using FaceAttr.TestSupport;
using FaceAttr.Vision.Models;
using Google.Protobuf;

namespace FaceAttr.Daemon.Tests;

/// <summary>Real bundles for update tests: the imported default bundle at another version, packed and signed.</summary>
public static class UpdateFixtures
{
    /// <summary>Copies the default bundle (without its sample photos) to <paramref name="folder"/> as <paramref name="version"/>.</summary>
    public static string BundleFolder(string folder, string version, byte[]? replaceDetector = null) =>
        BundleFolder(folder, version, replaceDetector is null ? null : ("blazeface-back", replaceDetector));

    /// <summary>Like <see cref="BundleFolder(string, string, byte[])"/>, replacing one model's file and/or editing the manifest.</summary>
    public static string BundleFolder(string folder, string version, (string Id, byte[] Bytes)? replace, Func<BundleManifest, BundleManifest>? edit = null)
    {
        var source = TestPaths.RequireBundle();
        Directory.CreateDirectory(folder);
        var manifest = ManifestSerializer.ReadFromFolder(source);
        foreach (var model in manifest.Models)
        {
            File.Copy(Path.Combine(source, model.File), Path.Combine(folder, model.File), overwrite: true);
        }

        if (replace is { } r)
        {
            var model = manifest.Models.Single(m => m.Id == r.Id);
            var path = Path.Combine(folder, model.File);
            File.WriteAllBytes(path, r.Bytes);
            manifest = manifest with { Models = [.. manifest.Models.Select(m => m.Id == model.Id ? m with { Sha256 = ModelFile.Sha256(path) } : m)] };
        }

        manifest = edit?.Invoke(manifest) ?? manifest;
        File.WriteAllText(Path.Combine(folder, ManifestSerializer.FileName), ManifestSerializer.ToJson(manifest with { Version = version }));
        return folder;
    }

    /// <summary>Packs and signs a bundle folder.</summary>
    public static (byte[] Archive, BundleSignature Signature) PackAndSign(string folder, string archivePath, SigningKey key)
    {
        var packed = BundlePacker.Pack(folder, archivePath);
        return (File.ReadAllBytes(archivePath), key.Sign(packed.ArchivePath, packed.Manifest.Name, packed.Manifest.Version));
    }

    /// <summary>
    /// A detector with blazeface-back's exact contract (input:0 [1,256,256,3] → four anchor outputs) that never sees a
    /// face: every score is −100. It passes the install-time checks (finite outputs of the right shapes) and fails only
    /// on real frames, where the health window sees faces vanish.
    /// </summary>
    public static byte[] BlindDetector()
    {
        var g = new OnnxGraphBuilder("blind-detector");
        g.Input("input:0", [1, 256, 256, 3]);
        var mean = g.Node("ReduceMean", ["input:0"], "mean", OnnxAttributes.Int("keepdims", 0));
        var zero = g.Node("Mul", [mean, g.Initializer("zero", [0f], 1)], "zero");
        var low = g.Node("Add", [zero, g.Initializer("minus_hundred", [-100f], 1)], "low");
        g.NodeTo("Expand", [low, g.Int64s("scores_front", 1, 512, 1)], "Identity:0");
        g.NodeTo("Expand", [low, g.Int64s("scores_back", 1, 384, 1)], "Identity_1:0");
        g.NodeTo("Expand", [zero, g.Int64s("boxes_front", 1, 512, 16)], "Identity_2:0");
        g.NodeTo("Expand", [zero, g.Int64s("boxes_back", 1, 384, 16)], "Identity_3:0");
        g.Output("Identity:0", 3);
        g.Output("Identity_1:0", 3);
        g.Output("Identity_2:0", 3);
        g.Output("Identity_3:0", 3);
        return g.Build("test", []).ToByteArray();
    }
}

/// <summary>Model files that load but misbehave, for update fault tests.</summary>
public static class BadModels
{
    /// <summary>gender-oarriaga's contract (input_1 [N,64,64,1] → Identity [N,2]) computing log(−(|x|+1)): NaN for every input.</summary>
    public static byte[] NanGender()
    {
        var g = new OnnxGraphBuilder("nan-gender");
        g.Input("input_1", [-1, 64, 64, 1]);
        var abs = g.Node("Abs", ["input_1"], "abs");
        var plus = g.Node("Add", [abs, g.Initializer("one", [1f], 1)], "plus_one");
        var log = g.Node("Log", [g.Node("Neg", [plus], "negative")], "log_of_negative");
        var flat = g.Node("Flatten", [log], "flat", OnnxAttributes.Int("axis", 1));
        g.NodeTo("Slice", [flat, g.Int64s("starts", 0), g.Int64s("ends", 2), g.Int64s("axes", 1)], "Identity");
        g.Output("Identity", 2);
        return g.Build("test", []).ToByteArray();
    }

    /// <summary>Bytes ONNX Runtime cannot load.</summary>
    public static byte[] Garbage() => System.Text.Encoding.ASCII.GetBytes("this is not an ONNX model, just text pretending to be one");
}

/// <summary>An HTTP server on 127.0.0.1 serving byte arrays by path (bundle archives for the daemon to download).</summary>
public sealed class BundleHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public BundleHttpServer()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUrl.ToString());
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public Uri BaseUrl { get; }

    public Uri Serve(string path, byte[] content)
    {
        _files[path] = content;
        return new Uri(BaseUrl, path);
    }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var response = context.Response;
            var path = context.Request.Url!.AbsolutePath.TrimStart('/');
            if (path.StartsWith("truncated/", StringComparison.Ordinal) && _files.TryGetValue(path["truncated/".Length..], out var whole))
            {
                // Announce the whole archive, send half, drop the connection: a download cut mid-body.
                response.ContentLength64 = whole.Length;
                await response.OutputStream.WriteAsync(whole.AsMemory(0, whole.Length / 2));
                await response.OutputStream.FlushAsync();
                response.Abort();
                continue;
            }

            if (_files.TryGetValue(path, out var content))
            {
                response.ContentLength64 = content.Length;
                await response.OutputStream.WriteAsync(content);
            }
            else
            {
                response.StatusCode = 404;
            }

            response.Close();
        }
    }
}
