using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace FaceAttr.Onnx.Writing;

/// <summary>
/// Builds an ONNX graph with the protobuf types of OnnxSharp: nodes, initializers, inputs, outputs,
/// unique names. Everything written is IR version 8, opset 17 so that the Debian ONNX checker accepts it.
/// </summary>
public sealed class OnnxGraphBuilder
{
    /// <summary>IR version written (ONNX 1.13+ checkers accept ≤ 8; ORT reads it).</summary>
    public const long IrVersion = 8;

    /// <summary>Default-domain opset written.</summary>
    public const long Opset = 17;

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _counter;

    /// <summary>Starts an empty graph with the given name.</summary>
    public OnnxGraphBuilder(string graphName)
    {
        _graph = new GraphProto { Name = graphName };
    }

    /// <summary>Number of nodes so far.</summary>
    public int NodeCount => _graph.Node.Count;

    /// <summary>Reserves a tensor name: <paramref name="hint"/> itself when free, else a numbered variant.</summary>
    public string UniqueName(string hint)
    {
        if (_names.Add(hint))
        {
            return hint;
        }

        string candidate;
        do
        {
            candidate = $"{hint}__{++_counter}";
        }
        while (!_names.Add(candidate));
        return candidate;
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string opType, IEnumerable<string> inputs, string outputHint, params AttributeProto[] attributes)
    {
        var output = UniqueName(outputHint);
        var node = new NodeProto { OpType = opType, Name = UniqueName($"{output}/{opType}") };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>Adds a node whose output gets exactly <paramref name="output"/> (a name reserved earlier with <see cref="UniqueName"/>).</summary>
    public void NodeTo(string opType, IEnumerable<string> inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = UniqueName($"{output}/{opType}") };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
    }

    /// <summary>Adds a node built by the caller (e.g. one with several outputs, whose names it reserved with <see cref="UniqueName"/>).</summary>
    public void AddNode(NodeProto node) => _graph.Node.Add(node);

    /// <summary>Adds a float32 initializer and returns its name.</summary>
    public string Initializer(string hint, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = UniqueName(hint), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds an int64 initializer (shapes, axes, pads) and returns its name.</summary>
    public string Initializer(string hint, ReadOnlySpan<long> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = UniqueName(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a 1-D int64 initializer.</summary>
    public string Int64s(string hint, params long[] values) => Initializer(hint, values, values.Length);

    /// <summary>Adds a float graph input; negative dims become the symbolic batch dim <c>N</c>.</summary>
    public void Input(string name, IReadOnlyList<long> dims)
    {
        _names.Add(name);
        _graph.Input.Add(FloatValueInfo(name, dims));
    }

    /// <summary>Declares a float graph output of known rank; the first dim is the batch <c>N</c>, the others are left to inference.</summary>
    public void Output(string name, int rank)
    {
        var shape = new TensorShapeProto();
        for (var i = 0; i < rank; i++)
        {
            // A dimension with neither value nor param is "unknown" in the ONNX spec.
            shape.Dim.Add(i == 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension());
        }

        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape };
        _graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } });
    }

    /// <summary>Declares a float graph output of known shape; negative dims become the symbolic batch dim <c>N</c>.</summary>
    public void Output(string name, IReadOnlyList<long> dims) => _graph.Output.Add(FloatValueInfo(name, dims));

    /// <summary>Wraps the graph into a model with producer and metadata properties.</summary>
    public ModelProto Build(string producerVersion, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "FaceAttr.Onnx",
            ProducerVersion = producerVersion,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        foreach (var (key, value) in metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    private static ValueInfoProto FloatValueInfo(string name, IReadOnlyList<long> dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d < 0
                ? new TensorShapeProto.Types.Dimension { DimParam = "N" }
                : new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }
}
