using Onnx;

namespace FaceAttr.Onnx.Quantization;

/// <summary>
/// Lookups over one graph: who produces and who consumes each tensor, which tensors are initializers, graph inputs or
/// graph outputs. A snapshot: rebuild it after changing the graph.
/// </summary>
internal sealed class GraphIndex
{
    private static readonly IReadOnlyList<NodeProto> NoConsumers = [];
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _constant = new(StringComparer.Ordinal);

    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        Initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        GraphInputs = graph.Input.Select(i => i.Name).Where(n => !Initializers.ContainsKey(n)).ToHashSet(StringComparer.Ordinal);
        GraphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (node.Attribute.Any(a => a.Type is AttributeProto.Types.AttributeType.Graph or AttributeProto.Types.AttributeType.Graphs))
            {
                throw new QuantizationException($"node '{node.Name}' ({node.OpType}) holds a subgraph; control flow is not supported by the quantizer");
            }

            foreach (var output in node.Output.Where(o => o.Length > 0))
            {
                _producers[output] = node;
            }

            foreach (var input in node.Input.Where(i => i.Length > 0).Distinct(StringComparer.Ordinal))
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }

                list.Add(node);
            }
        }
    }

    public GraphProto Graph { get; }

    public IReadOnlyDictionary<string, TensorProto> Initializers { get; }

    /// <summary>Graph inputs that are not initializers (what the caller feeds).</summary>
    public IReadOnlySet<string> GraphInputs { get; }

    public IReadOnlySet<string> GraphOutputs { get; }

    public NodeProto? Producer(string tensor) => _producers.GetValueOrDefault(tensor);

    public IReadOnlyList<NodeProto> Consumers(string tensor) => _consumers.TryGetValue(tensor, out var list) ? list : NoConsumers;

    public bool IsInitializer(string tensor) => Initializers.ContainsKey(tensor);

    /// <summary>
    /// Whether the tensor's value is fixed by the file: an initializer, or computed from initializers only (e.g. the zeros of
    /// a ConstantOfShape used as channel padding).
    /// </summary>
    public bool IsConstant(string tensor)
    {
        if (_constant.TryGetValue(tensor, out var known))
        {
            return known;
        }

        var producer = Producer(tensor);
        var constant = IsInitializer(tensor)
            || (producer is not null && !producer.OpType.StartsWith("Random", StringComparison.Ordinal)
                && producer.Input.Where(i => i.Length > 0).All(IsConstant));
        _constant[tensor] = constant;
        return constant;
    }

    /// <summary>The single consumer of <paramref name="tensor"/>, or null when it has none, several, or is a graph output.</summary>
    public NodeProto? SoleConsumer(string tensor)
    {
        var consumers = Consumers(tensor);
        return consumers.Count == 1 && !GraphOutputs.Contains(tensor) ? consumers[0] : null;
    }

    public static AttributeProto? Attribute(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static long IntAttribute(NodeProto node, string name, long fallback) => Attribute(node, name)?.I ?? fallback;

    public static float FloatAttribute(NodeProto node, string name, float fallback) => Attribute(node, name) is { } a ? a.F : fallback;
}
