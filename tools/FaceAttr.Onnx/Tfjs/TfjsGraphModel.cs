using System.Text.Json;

namespace FaceAttr.Onnx.Tfjs;

/// <summary>
/// A TF.js graph model (<c>model.json</c> plus its weight shards) read into memory: the nodes of the
/// frozen TensorFlow graph and every constant decoded to float32 or int32.
/// </summary>
public sealed class TfjsGraphModel
{
    private TfjsGraphModel(IReadOnlyList<TfjsNode> nodes, IReadOnlyDictionary<string, TfjsTensor> weights,
        IReadOnlyList<string> signatureOutputs, string? generatedBy)
    {
        Nodes = nodes;
        Weights = weights;
        SignatureOutputs = signatureOutputs;
        GeneratedBy = generatedBy;
    }

    /// <summary>Graph nodes in file order.</summary>
    public IReadOnlyList<TfjsNode> Nodes { get; }

    /// <summary>Decoded constants by node name.</summary>
    public IReadOnlyDictionary<string, TfjsTensor> Weights { get; }

    /// <summary>Output tensor names from the model signature (without <c>:0</c>), empty when the file has none.</summary>
    public IReadOnlyList<string> SignatureOutputs { get; }

    /// <summary>The <c>generatedBy</c> field (often the upstream project URL).</summary>
    public string? GeneratedBy { get; }

    /// <summary>Reads <c>model.json</c> and the weight shards it lists from the same folder.</summary>
    /// <exception cref="TfjsFormatException">The file is missing, malformed, or its weights do not add up.</exception>
    public static TfjsGraphModel Load(string modelJsonPath)
    {
        if (!File.Exists(modelJsonPath))
        {
            throw new TfjsFormatException($"{modelJsonPath}: file not found");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(modelJsonPath));
        }
        catch (JsonException ex)
        {
            throw new TfjsFormatException($"{modelJsonPath}: not valid JSON: {ex.Message}", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            var format = root.TryGetProperty("format", out var f) ? f.GetString() : null;
            if (format != "graph-model")
            {
                throw new TfjsFormatException($"{modelJsonPath}: format is '{format}', only TF.js 'graph-model' files can be imported");
            }

            var nodes = ReadNodes(root, modelJsonPath);
            var weights = ReadWeights(root, Path.GetDirectoryName(Path.GetFullPath(modelJsonPath))!, modelJsonPath);
            var outputs = ReadSignatureOutputs(root);
            var generatedBy = root.TryGetProperty("generatedBy", out var g) ? g.GetString() : null;
            return new TfjsGraphModel(nodes, weights, outputs, generatedBy);
        }
    }

    private static List<TfjsNode> ReadNodes(JsonElement root, string source)
    {
        if (!root.TryGetProperty("modelTopology", out var topology) || !topology.TryGetProperty("node", out var nodeArray))
        {
            throw new TfjsFormatException($"{source}: modelTopology.node is missing");
        }

        var nodes = new List<TfjsNode>(nodeArray.GetArrayLength());
        foreach (var n in nodeArray.EnumerateArray())
        {
            var name = n.GetProperty("name").GetString() ?? throw new TfjsFormatException($"{source}: a node has no name");
            var op = n.GetProperty("op").GetString() ?? throw new TfjsFormatException($"{source}: node '{name}' has no op");
            var inputs = new List<string>();
            if (n.TryGetProperty("input", out var inputArray))
            {
                foreach (var i in inputArray.EnumerateArray())
                {
                    var input = i.GetString()!;
                    if (!input.StartsWith('^'))
                    {
                        // "^name" is a control dependency: ordering only, no data.
                        inputs.Add(input);
                    }
                }
            }

            var attrs = n.TryGetProperty("attr", out var a) ? a.Clone() : default;
            nodes.Add(new TfjsNode(name, op, inputs, new TfjsAttributes(attrs, name)));
        }

        return nodes;
    }

    private static List<string> ReadSignatureOutputs(JsonElement root)
    {
        var result = new List<string>();
        if (root.TryGetProperty("signature", out var sig) && sig.TryGetProperty("outputs", out var outputs))
        {
            foreach (var o in outputs.EnumerateObject())
            {
                var name = o.Value.TryGetProperty("name", out var n) ? n.GetString() : o.Name;
                if (name is not null)
                {
                    result.Add(TfjsNode.StripOutputIndex(name));
                }
            }
        }

        return result;
    }

    private static Dictionary<string, TfjsTensor> ReadWeights(JsonElement root, string folder, string source)
    {
        var weights = new Dictionary<string, TfjsTensor>(StringComparer.Ordinal);
        if (!root.TryGetProperty("weightsManifest", out var manifest))
        {
            throw new TfjsFormatException($"{source}: weightsManifest is missing");
        }

        foreach (var group in manifest.EnumerateArray())
        {
            var data = ReadShards(group, folder, source);
            var offset = 0;
            foreach (var spec in group.GetProperty("weights").EnumerateArray())
            {
                var tensor = TfjsWeightDecoder.Decode(spec, data, ref offset, source);
                weights[tensor.Name] = tensor;
            }

            if (offset != data.Length)
            {
                throw new TfjsFormatException(
                    $"{source}: weight shards hold {data.Length} bytes but the manifest describes {offset}");
            }
        }

        return weights;
    }

    private static byte[] ReadShards(JsonElement group, string folder, string source)
    {
        using var buffer = new MemoryStream();
        foreach (var p in group.GetProperty("paths").EnumerateArray())
        {
            var relative = p.GetString() ?? string.Empty;
            var path = Path.GetFullPath(Path.Combine(folder, relative));
            if (!path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new TfjsFormatException($"{source}: weight path '{relative}' points outside the model folder");
            }

            if (!File.Exists(path))
            {
                throw new TfjsFormatException($"{source}: weight shard '{relative}' not found next to the model");
            }

            using var shard = File.OpenRead(path);
            shard.CopyTo(buffer);
        }

        return buffer.ToArray();
    }
}
