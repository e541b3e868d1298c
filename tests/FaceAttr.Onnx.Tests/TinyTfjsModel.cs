using System.Text.Json;

namespace FaceAttr.Onnx.Tests;

/// <summary>Writes small hand-made TF.js graph models for importer unit tests.</summary>
internal sealed class TinyTfjsModel : IDisposable
{
    private readonly List<object> _nodes = [];
    private readonly List<object> _weights = [];
    private readonly MemoryStream _data = new();

    public TinyTfjsModel()
    {
        Folder = Directory.CreateTempSubdirectory("faceattr-tfjs-").FullName;
    }

    public string Folder { get; }

    public static object Ints(params long[] values) => new { list = new { i = values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray() } };

    public static object Str(string value) => new { s = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value)) };

    public static object Strs(params string[] values) =>
        new { list = new { s = values.Select(v => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(v))).ToArray() } };

    public void Placeholder(string name, params long[] shape) =>
        _nodes.Add(new { name, op = "Placeholder", attr = new { shape = new { shape = new { dim = shape.Select(d => new { size = d.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToArray() } } } });

    public void Node(string name, string op, string[] inputs, object? attr = null) =>
        _nodes.Add(new { name, op, input = inputs, attr = attr ?? new { } });

    public void Const(string name, float[] values, params long[] shape)
    {
        _nodes.Add(new { name, op = "Const", attr = new { } });
        _weights.Add(new { name, shape, dtype = "float32" });
        foreach (var v in values)
        {
            _data.Write(BitConverter.GetBytes(v));
        }
    }

    public void ConstHalf(string name, float[] values, params long[] shape)
    {
        _nodes.Add(new { name, op = "Const", attr = new { } });
        _weights.Add(new { name, shape, dtype = "float32", quantization = new { dtype = "float16", original_dtype = "float32" } });
        foreach (var v in values)
        {
            _data.Write(BitConverter.GetBytes((Half)v));
        }
    }

    public void ConstInts(string name, int[] values, params long[] shape)
    {
        _nodes.Add(new { name, op = "Const", attr = new { } });
        _weights.Add(new { name, shape, dtype = "int32" });
        foreach (var v in values)
        {
            _data.Write(BitConverter.GetBytes(v));
        }
    }

    /// <summary>Writes model.json and weights.bin; <paramref name="truncateWeightsBy"/> cuts bytes off the shard.</summary>
    public string Write(int truncateWeightsBy = 0)
    {
        var json = JsonSerializer.Serialize(new
        {
            format = "graph-model",
            generatedBy = "test",
            modelTopology = new { node = _nodes },
            weightsManifest = new[] { new { paths = new[] { "weights.bin" }, weights = _weights } },
        });
        var path = Path.Combine(Folder, "model.json");
        File.WriteAllText(path, json);
        var bytes = _data.ToArray();
        File.WriteAllBytes(Path.Combine(Folder, "weights.bin"), bytes[..(bytes.Length - truncateWeightsBy)]);
        return path;
    }

    public void Dispose()
    {
        _data.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
