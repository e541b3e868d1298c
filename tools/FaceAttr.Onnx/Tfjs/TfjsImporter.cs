using ModelProto = global::Onnx.ModelProto;
using FaceAttr.Onnx.Writing;

namespace FaceAttr.Onnx.Tfjs;

/// <summary>
/// Translates a TF.js graph model into an ONNX model. TensorFlow computes images as NHWC while ONNX
/// convolutions are NCHW, so the graph input stays NHWC (as the model's users feed it), one Transpose
/// turns it to NCHW, and every 4-D tensor is tracked as NCHW until an op that depends on the memory
/// order (Reshape, Softmax, graph outputs) needs it back in NHWC. Constants used with NCHW tensors are
/// rearranged at import time instead of transposing at run time.
/// </summary>
public sealed partial class TfjsImporter
{
    private readonly TfjsGraphModel _model;
    private readonly OnnxGraphBuilder _onnx;
    private readonly Dictionary<string, TensorValue> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, Layout), string> _converted = [];
    private readonly Dictionary<string, TfjsNode> _nodesByName;

    private TfjsImporter(TfjsGraphModel model, string graphName)
    {
        _model = model;
        _onnx = new OnnxGraphBuilder(graphName);
        _nodesByName = model.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
    }

    /// <summary>Where a 4-D tensor's channels are.</summary>
    private enum Layout
    {
        /// <summary>As TensorFlow has it (NHWC for 4-D tensors).</summary>
        Native,

        /// <summary>A TensorFlow NHWC tensor held transposed to NCHW.</summary>
        Nchw,
    }

    /// <summary>An ONNX tensor standing for a TensorFlow tensor.</summary>
    private sealed record TensorValue(string Name, Layout Layout, int Rank);

    /// <summary>Imports <paramref name="model"/>; <paramref name="metadata"/> is written into the model's metadata_props.</summary>
    /// <exception cref="UnsupportedOperatorException">The graph uses an op the importer does not know.</exception>
    /// <exception cref="TfjsFormatException">The graph is inconsistent (missing inputs, wrong constant types).</exception>
    public static ModelProto Import(TfjsGraphModel model, string graphName, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        var importer = new TfjsImporter(model, graphName);
        return importer.Run(metadata);
    }

    /// <summary>The TensorFlow op types this importer translates.</summary>
    public static IReadOnlyCollection<string> SupportedOps => Handlers.Keys;

    private ModelProto Run(IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var outputs = ChooseOutputs();
        foreach (var output in outputs)
        {
            // Reserve the graph output names so internal tensors never take them.
            _onnx.UniqueName(output);
        }

        foreach (var node in TopologicalOrder())
        {
            if (node.Op == "Const")
            {
                continue;
            }

            if (!Handlers.TryGetValue(node.Op, out var handler))
            {
                throw new UnsupportedOperatorException(node.Op, node.Name, null);
            }

            _values[node.Name] = handler(this, node);
        }

        foreach (var output in outputs)
        {
            var value = Get(output, output);
            _onnx.NodeTo("Identity", [AsNative(value)], output);
            _onnx.Output(output, value.Rank);
        }

        return _onnx.Build(typeof(TfjsImporter).Assembly.GetName().Version?.ToString() ?? "0", metadata);
    }

    private List<string> ChooseOutputs()
    {
        if (_model.SignatureOutputs.Count > 0 && _model.SignatureOutputs.All(_nodesByName.ContainsKey))
        {
            return [.. _model.SignatureOutputs];
        }

        // Without a usable signature, the outputs are the non-constant nodes nothing consumes (as TF.js decides).
        var consumed = new HashSet<string>(_model.Nodes.SelectMany(n => n.Inputs).Select(BaseName), StringComparer.Ordinal);
        return [.. _model.Nodes.Where(n => n.Op != "Const" && n.Op != "Placeholder" && !consumed.Contains(n.Name)).Select(n => n.Name)];
    }

    private List<TfjsNode> TopologicalOrder()
    {
        var order = new List<TfjsNode>(_model.Nodes.Count);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = visiting, 2 = done
        foreach (var node in _model.Nodes)
        {
            Visit(node);
        }

        return order;

        void Visit(TfjsNode root)
        {
            // Iterative depth-first search: the graphs are deep enough that recursion is a risk worth avoiding.
            var stack = new Stack<(TfjsNode Node, int Next)>();
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next == 0)
                {
                    if (state.TryGetValue(node.Name, out var s))
                    {
                        if (s == 1)
                        {
                            throw new TfjsFormatException($"node '{node.Name}' is part of a cycle");
                        }

                        continue;
                    }

                    state[node.Name] = 1;
                }

                if (next < node.Inputs.Count)
                {
                    stack.Push((node, next + 1));
                    var inputName = BaseName(node.Inputs[next]);
                    if (!_nodesByName.TryGetValue(inputName, out var input))
                    {
                        throw new TfjsFormatException($"node '{node.Name}' reads '{node.Inputs[next]}', which no node produces");
                    }

                    if (!state.TryGetValue(input.Name, out var inputState))
                    {
                        stack.Push((input, 0));
                    }
                    else if (inputState == 1)
                    {
                        throw new TfjsFormatException($"node '{node.Name}' is part of a cycle");
                    }

                    continue;
                }

                state[node.Name] = 2;
                order.Add(node);
            }
        }
    }

    private static string BaseName(string input)
    {
        var colon = input.LastIndexOf(':');
        return colon < 0 ? input : input[..colon];
    }

    private TensorValue Get(string input, string usedBy)
    {
        var colon = input.LastIndexOf(':');
        if (colon >= 0 && input[(colon + 1)..] != "0")
        {
            throw new UnsupportedOperatorException(
                _nodesByName.TryGetValue(BaseName(input), out var n) ? n.Op : "?", usedBy,
                $"reads output {input[(colon + 1)..]} of '{BaseName(input)}'; only single-output ops are supported");
        }

        var name = BaseName(input);
        if (_values.TryGetValue(name, out var value))
        {
            return value;
        }

        if (_model.Weights.TryGetValue(name, out var constant))
        {
            // A constant used as data: materialize it once as an initializer.
            value = new TensorValue(FloatOrIntInitializer(constant, constant.Shape), Layout.Native, constant.Shape.Length);
            _values[name] = value;
            return value;
        }

        throw new TfjsFormatException($"node '{usedBy}' reads '{input}', which has no value (a Const without weights?)");
    }

    private bool TryConst(string input, out TfjsTensor constant)
    {
        var name = BaseName(input);
        if (_nodesByName.TryGetValue(name, out var node) && node.Op == "Const" && _model.Weights.TryGetValue(name, out constant!))
        {
            return true;
        }

        constant = null!;
        return false;
    }

    private TfjsTensor Const(TfjsNode node, int inputIndex)
    {
        if (inputIndex >= node.Inputs.Count)
        {
            throw new TfjsFormatException($"node '{node.Name}' ({node.Op}) has no input {inputIndex}");
        }

        return TryConst(node.Inputs[inputIndex], out var c)
            ? c
            : throw new UnsupportedOperatorException(node.Op, node.Name, $"input {inputIndex} must be a constant");
    }

    private string FloatOrIntInitializer(TfjsTensor constant, long[] dims) =>
        constant.Floats is { } floats
            ? _onnx.Initializer(constant.Name, floats, dims)
            : _onnx.Initializer(constant.Name, [.. constant.Ints!.Select(i => (long)i)], dims);

    private string AsNchw(TensorValue value, string usedBy)
    {
        if (value.Layout == Layout.Nchw)
        {
            return value.Name;
        }

        if (value.Rank != 4)
        {
            throw new UnsupportedOperatorException("?", usedBy, $"needs a 4-D image tensor but '{value.Name}' has rank {value.Rank}");
        }

        return Transposed(value.Name, Layout.Nchw, [0, 3, 1, 2]);
    }

    private string AsNative(TensorValue value) =>
        value.Layout == Layout.Native ? value.Name : Transposed(value.Name, Layout.Native, [0, 2, 3, 1]);

    private string Transposed(string name, Layout target, long[] perm)
    {
        if (!_converted.TryGetValue((name, target), out var converted))
        {
            converted = _onnx.Node("Transpose", [name], $"{name}/{(target == Layout.Nchw ? "nchw" : "nhwc")}",
                OnnxAttributes.Ints("perm", perm));
            _converted[(name, target)] = converted;
        }

        return converted;
    }

    private static int NchwAxis(int nhwcAxis) => nhwcAxis switch
    {
        0 => 0,
        1 => 2,
        2 => 3,
        3 => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(nhwcAxis)),
    };
}
