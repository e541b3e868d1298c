using FaceAttr.Onnx.Writing;
using AttributeProto = global::Onnx.AttributeProto;

namespace FaceAttr.Onnx.Tfjs;

/// <summary>One translation rule per TensorFlow op type.</summary>
public sealed partial class TfjsImporter
{
    private static readonly Dictionary<string, Func<TfjsImporter, TfjsNode, TensorValue>> Handlers =
        new(StringComparer.Ordinal)
        {
            ["Placeholder"] = (i, n) => i.Placeholder(n),
            ["Conv2D"] = (i, n) => i.Convolution(n, depthwise: false),
            ["_FusedConv2D"] = (i, n) => i.Convolution(n, depthwise: false),
            ["DepthwiseConv2dNative"] = (i, n) => i.Convolution(n, depthwise: true),
            ["FusedDepthwiseConv2dNative"] = (i, n) => i.Convolution(n, depthwise: true),
            ["MaxPool"] = (i, n) => i.Pool(n, "MaxPool"),
            ["AvgPool"] = (i, n) => i.Pool(n, "AveragePool"),
            ["MatMul"] = (i, n) => i.MatMul(n),
            ["_FusedMatMul"] = (i, n) => i.MatMul(n),
            ["Relu"] = (i, n) => i.Unary(n, "Relu"),
            ["Relu6"] = (i, n) => i.Relu6(n),
            ["Sigmoid"] = (i, n) => i.Unary(n, "Sigmoid"),
            ["Tanh"] = (i, n) => i.Unary(n, "Tanh"),
            ["Elu"] = (i, n) => i.Unary(n, "Elu"),
            ["Identity"] = (i, n) => i.Unary(n, "Identity"),
            ["StopGradient"] = (i, n) => i.Unary(n, "Identity"),
            ["Prelu"] = (i, n) => i.Prelu(n),
            ["LeakyRelu"] = (i, n) => i.LeakyRelu(n),
            ["Add"] = (i, n) => i.Binary(n, "Add"),
            ["AddV2"] = (i, n) => i.Binary(n, "Add"),
            ["BiasAdd"] = (i, n) => i.Binary(n, "Add"),
            ["Sub"] = (i, n) => i.Binary(n, "Sub"),
            ["Mul"] = (i, n) => i.Binary(n, "Mul"),
            ["RealDiv"] = (i, n) => i.Binary(n, "Div"),
            ["Minimum"] = (i, n) => i.Binary(n, "Min"),
            ["Maximum"] = (i, n) => i.Binary(n, "Max"),
            ["Reshape"] = (i, n) => i.Reshape(n),
            ["ExpandDims"] = (i, n) => i.ExpandDims(n),
            ["StridedSlice"] = (i, n) => i.StridedSlice(n),
            ["Mean"] = (i, n) => i.Reduce(n, "ReduceMean"),
            ["Max"] = (i, n) => i.Reduce(n, "ReduceMax"),
            ["Softmax"] = (i, n) => i.Softmax(n),
            ["Pad"] = (i, n) => i.Pad(n),
            ["PadV2"] = (i, n) => i.Pad(n),
            ["ConcatV2"] = (i, n) => i.Concat(n),
        };

    private TensorValue Placeholder(TfjsNode node)
    {
        var dims = node.Attributes.Shape("shape")
            ?? throw new UnsupportedOperatorException(node.Op, node.Name, "the input has no shape");
        _onnx.Input(node.Name, dims);
        var value = new TensorValue(node.Name, Layout.Native, dims.Length);
        if (dims.Length == 4)
        {
            return new TensorValue(AsNchw(value, node.Name), Layout.Nchw, 4);
        }

        return value;
    }

    private TensorValue Convolution(TfjsNode node, bool depthwise)
    {
        RequireNhwc(node);
        var x = AsNchw(Get(node.Inputs[0], node.Name), node.Name);
        var filter = Const(node, 1);
        var f = filter.RequireFloats(node.Name);
        if (filter.Shape.Length != 4)
        {
            throw new TfjsFormatException($"node '{node.Name}': filter must be 4-D, got [{string.Join(",", filter.Shape)}]");
        }

        int kh = (int)filter.Shape[0], kw = (int)filter.Shape[1], cin = (int)filter.Shape[2], k3 = (int)filter.Shape[3];
        var cout = depthwise ? cin * k3 : k3;

        // TensorFlow filters are [kh, kw, in, out] (depthwise: [kh, kw, in, multiplier]);
        // ONNX wants [out, in/group, kh, kw] with depthwise channel c·m + j.
        var w = new float[cout * (depthwise ? 1 : cin) * kh * kw];
        for (var y = 0; y < kh; y++)
        {
            for (var xk = 0; xk < kw; xk++)
            {
                for (var c = 0; c < cin; c++)
                {
                    for (var o = 0; o < k3; o++)
                    {
                        var src = (((y * kw) + xk) * cin * k3) + (c * k3) + o;
                        var dst = depthwise
                            ? ((((c * k3) + o) * kh) + y) * kw + xk
                            : ((((o * cin) + c) * kh) + y) * kw + xk;
                        w[dst] = f[src];
                    }
                }
            }
        }

        var fused = node.Attributes.Strings("fused_ops");
        var bias = new float[cout];
        var next = 0;
        var numArgs = (int)node.Attributes.Int("num_args", 0);
        if (fused.Length > 0 && fused[0] == "BiasAdd")
        {
            var b = Const(node, 2).RequireFloats(node.Name);
            if (b.Length != cout)
            {
                throw new TfjsFormatException($"node '{node.Name}': bias has {b.Length} values for {cout} channels");
            }

            b.CopyTo(bias, 0);
            next = 1;
        }
        else if (fused.Length > 0 && fused[0] is "FusedBatchNorm" or "FusedBatchNormV3")
        {
            FoldBatchNorm(node, w, bias, cout);
            next = 1;
        }

        var strides = node.Attributes.Ints("strides");
        var dilations = node.Attributes.Ints("dilations");
        var attributes = new List<AttributeProto>
        {
            OnnxAttributes.Ints("kernel_shape", kh, kw),
            OnnxAttributes.Ints("strides", strides.Length == 4 ? [strides[1], strides[2]] : [1, 1]),
            OnnxAttributes.Ints("dilations", dilations.Length == 4 ? [dilations[1], dilations[2]] : [1, 1]),
            OnnxAttributes.Int("group", depthwise ? cin : 1),
        };
        attributes.Add(Padding(node));

        var wName = _onnx.Initializer($"{node.Name}/weights", w, cout, depthwise ? 1 : cin, kh, kw);
        var bName = _onnx.Initializer($"{node.Name}/bias", bias, cout);
        var output = _onnx.Node("Conv", [x, wName, bName], next < fused.Length ? $"{node.Name}/conv" : node.Name, [.. attributes]);
        output = FusedActivation(node, fused, next, output, numArgs, Layout.Nchw);
        return new TensorValue(output, Layout.Nchw, 4);
    }

    private void FoldBatchNorm(TfjsNode node, float[] w, float[] bias, int cout)
    {
        // y = (conv − mean) / sqrt(var + ε) · scale + offset, folded into the weights and bias.
        var scale = Const(node, 2).RequireFloats(node.Name);
        var offset = Const(node, 3).RequireFloats(node.Name);
        var mean = Const(node, 4).RequireFloats(node.Name);
        var variance = Const(node, 5).RequireFloats(node.Name);
        var epsilon = node.Attributes.Float("epsilon", 1e-3f);
        var perChannel = w.Length / cout;
        for (var o = 0; o < cout; o++)
        {
            var k = scale[o] / MathF.Sqrt(variance[o] + epsilon);
            for (var i = 0; i < perChannel; i++)
            {
                w[(o * perChannel) + i] *= k;
            }

            bias[o] = offset[o] - (mean[o] * k);
        }
    }

    private static AttributeProto Padding(TfjsNode node)
    {
        var padding = node.Attributes.String("padding");
        return padding switch
        {
            // TensorFlow's SAME puts the odd pixel at the end, which is ONNX's SAME_UPPER.
            "SAME" => OnnxAttributes.String("auto_pad", "SAME_UPPER"),
            "VALID" => OnnxAttributes.String("auto_pad", "VALID"),
            "EXPLICIT" => ExplicitPads(node),
            _ => throw new UnsupportedOperatorException(node.Op, node.Name, $"padding '{padding}'"),
        };
    }

    private static AttributeProto ExplicitPads(TfjsNode node)
    {
        // explicit_paddings is [before, after] per NHWC axis; ONNX wants [top, left, bottom, right].
        var p = node.Attributes.Ints("explicit_paddings");
        if (p.Length != 8)
        {
            throw new UnsupportedOperatorException(node.Op, node.Name, "EXPLICIT padding without 8 explicit_paddings");
        }

        return OnnxAttributes.Ints("pads", p[2], p[4], p[3], p[5]);
    }

    private string FusedActivation(TfjsNode node, string[] fused, int next, string input, int numArgs, Layout layout)
    {
        if (next >= fused.Length)
        {
            return input;
        }

        if (fused.Length - next > 1)
        {
            throw new UnsupportedOperatorException(node.Op, node.Name, $"fused ops [{string.Join(", ", fused)}]");
        }

        var activation = fused[next];
        switch (activation)
        {
            case "Relu":
                return _onnx.Node("Relu", [input], node.Name);
            case "Relu6":
                return Clip(input, 0f, 6f, node.Name);
            case "Elu":
                return _onnx.Node("Elu", [input], node.Name);
            case "Sigmoid":
                return _onnx.Node("Sigmoid", [input], node.Name);
            case "Tanh":
                return _onnx.Node("Tanh", [input], node.Name);
            case "LeakyRelu":
                return _onnx.Node("LeakyRelu", [input], node.Name,
                    OnnxAttributes.Float("alpha", node.Attributes.Float("leakyrelu_alpha", 0.2f)));
            case "Prelu":
                // Prelu's alpha follows the bias: inputs are x, filter, bias, alpha (num_args = 2).
                var alphaIndex = 2 + numArgs - 1;
                return _onnx.Node("PRelu", [input, SlopeFor(node, Const(node, alphaIndex), layout)], node.Name);
            default:
                throw new UnsupportedOperatorException(node.Op, node.Name, $"fused activation '{activation}'");
        }
    }

    private string Clip(string input, float min, float max, string name)
    {
        var lo = _onnx.Initializer($"{name}/min", [min]);
        var hi = _onnx.Initializer($"{name}/max", [max]);
        return _onnx.Node("Clip", [input, lo, hi], name);
    }

    private string SlopeFor(TfjsNode node, TfjsTensor alpha, Layout layout)
    {
        var values = alpha.RequireFloats(node.Name);
        if (layout == Layout.Native)
        {
            return _onnx.Initializer($"{node.Name}/alpha", values, alpha.Shape);
        }

        // Per-channel slopes ([C], [1,1,C] or [1,1,1,C]) broadcast over NCHW as [C,1,1].
        if (alpha.Shape.Take(alpha.Shape.Length - 1).Any(d => d != 1))
        {
            throw new UnsupportedOperatorException(node.Op, node.Name, $"PReLU alpha of shape [{string.Join(",", alpha.Shape)}]");
        }

        return _onnx.Initializer($"{node.Name}/alpha", values, values.Length, 1, 1);
    }

    private TensorValue Pool(TfjsNode node, string onnxOp)
    {
        RequireNhwc(node);
        var x = AsNchw(Get(node.Inputs[0], node.Name), node.Name);
        var k = node.Attributes.Ints("ksize");
        var s = node.Attributes.Ints("strides");
        if (k.Length != 4 || s.Length != 4 || k[0] != 1 || k[3] != 1)
        {
            throw new UnsupportedOperatorException(node.Op, node.Name, "pooling must be spatial (ksize [1,h,w,1])");
        }

        var attributes = new List<AttributeProto>
        {
            OnnxAttributes.Ints("kernel_shape", k[1], k[2]),
            OnnxAttributes.Ints("strides", s[1], s[2]),
            Padding(node),
        };
        if (onnxOp == "AveragePool")
        {
            // TensorFlow averages only over real pixels at SAME borders.
            attributes.Add(OnnxAttributes.Int("count_include_pad", 0));
        }

        return new TensorValue(_onnx.Node(onnxOp, [x], node.Name, [.. attributes]), Layout.Nchw, 4);
    }

    private TensorValue MatMul(TfjsNode node)
    {
        if (node.Attributes.Bool("transpose_a", false))
        {
            throw new UnsupportedOperatorException(node.Op, node.Name, "transpose_a");
        }

        var a = Get(node.Inputs[0], node.Name);
        var aName = AsNative(a);
        string bName;
        if (TryConst(node.Inputs[1], out var b))
        {
            var values = b.RequireFloats(node.Name);
            if (node.Attributes.Bool("transpose_b", false))
            {
                int rows = (int)b.Shape[0], cols = (int)b.Shape[1];
                var t = new float[values.Length];
                for (var r = 0; r < rows; r++)
                {
                    for (var c = 0; c < cols; c++)
                    {
                        t[(c * rows) + r] = values[(r * cols) + c];
                    }
                }

                bName = _onnx.Initializer($"{node.Name}/weights", t, cols, rows);
            }
            else
            {
                bName = _onnx.Initializer($"{node.Name}/weights", values, b.Shape);
            }
        }
        else
        {
            bName = AsNative(Get(node.Inputs[1], node.Name));
            if (node.Attributes.Bool("transpose_b", false))
            {
                bName = _onnx.Node("Transpose", [bName], $"{node.Name}/b_t", OnnxAttributes.Ints("perm", 1, 0));
            }
        }

        var fused = node.Attributes.Strings("fused_ops");
        var numArgs = (int)node.Attributes.Int("num_args", 0);
        var output = _onnx.Node("MatMul", [aName, bName], fused.Length > 0 ? $"{node.Name}/matmul" : node.Name);
        var next = 0;
        if (fused.Length > 0 && fused[0] == "BiasAdd")
        {
            var bias = Const(node, 2);
            output = _onnx.Node("Add", [output, _onnx.Initializer($"{node.Name}/bias", bias.RequireFloats(node.Name), bias.Shape)],
                fused.Length > 1 ? $"{node.Name}/biasadd" : node.Name);
            next = 1;
        }
        else if (fused.Length > 0)
        {
            throw new UnsupportedOperatorException(node.Op, node.Name, $"fused ops [{string.Join(", ", fused)}]");
        }

        output = FusedActivation(node, fused, next, output, numArgs, Layout.Native);
        return new TensorValue(output, Layout.Native, Math.Max(a.Rank, 2));
    }

    private TensorValue Unary(TfjsNode node, string onnxOp)
    {
        var x = Get(node.Inputs[0], node.Name);
        return x with { Name = _onnx.Node(onnxOp, [x.Name], node.Name) };
    }

    private TensorValue Relu6(TfjsNode node)
    {
        var x = Get(node.Inputs[0], node.Name);
        return x with { Name = Clip(x.Name, 0f, 6f, node.Name) };
    }

    private TensorValue LeakyRelu(TfjsNode node)
    {
        var x = Get(node.Inputs[0], node.Name);
        return x with
        {
            Name = _onnx.Node("LeakyRelu", [x.Name], node.Name, OnnxAttributes.Float("alpha", node.Attributes.Float("alpha", 0.2f))),
        };
    }

    private TensorValue Prelu(TfjsNode node)
    {
        var x = Get(node.Inputs[0], node.Name);
        var slope = SlopeFor(node, Const(node, 1), x.Layout);
        return x with { Name = _onnx.Node("PRelu", [x.Name, slope], node.Name) };
    }

    private TensorValue Binary(TfjsNode node, string onnxOp)
    {
        if (node.Inputs.Count != 2)
        {
            throw new TfjsFormatException($"node '{node.Name}' ({node.Op}) needs 2 inputs, has {node.Inputs.Count}");
        }

        var isConst = node.Inputs.Select(i => TryConst(i, out _)).ToArray();
        var values = node.Inputs.Select((input, k) => isConst[k] ? null : Get(input, node.Name)).ToArray();
        var layout = values.Any(v => v?.Layout == Layout.Nchw) ? Layout.Nchw : Layout.Native;
        var names = new string[2];
        var rank = 0;
        for (var k = 0; k < 2; k++)
        {
            if (values[k] is { } v)
            {
                names[k] = layout == Layout.Nchw ? AsNchw(v, node.Name) : v.Name;
                rank = Math.Max(rank, v.Rank);
            }
            else
            {
                TryConst(node.Inputs[k], out var c);
                names[k] = ConstantFor(node, c, layout);
                rank = Math.Max(rank, c.Shape.Length);
            }
        }

        return new TensorValue(_onnx.Node(onnxOp, names, node.Name), layout, rank);
    }

    private string ConstantFor(TfjsNode node, TfjsTensor constant, Layout layout)
    {
        if (layout == Layout.Native || constant.Count == 1)
        {
            return FloatOrIntInitializer(constant, constant.Shape);
        }

        var values = constant.RequireFloats(node.Name);
        var shape = constant.Shape;
        if (shape.Length == 1 || (shape.Length is 2 or 3 or 4 && shape.Take(shape.Length - 1).All(d => d == 1)))
        {
            // A per-channel vector: broadcast over NCHW as [C,1,1].
            return _onnx.Initializer(constant.Name, values, values.Length, 1, 1);
        }

        if (shape.Length is 3 or 4)
        {
            // [(1,)H,W,C] → [(1,)C,H,W].
            int h = (int)shape[^3], w = (int)shape[^2], c = (int)shape[^1];
            var t = new float[values.Length];
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    for (var ch = 0; ch < c; ch++)
                    {
                        t[(((ch * h) + y) * w) + x] = values[(((y * w) + x) * c) + ch];
                    }
                }
            }

            return shape.Length == 4
                ? _onnx.Initializer(constant.Name, t, shape[0], c, h, w)
                : _onnx.Initializer(constant.Name, t, c, h, w);
        }

        throw new UnsupportedOperatorException(node.Op, node.Name,
            $"constant '{constant.Name}' of shape [{string.Join(",", shape)}] with an image tensor");
    }

    private TensorValue Reshape(TfjsNode node)
    {
        var x = AsNative(Get(node.Inputs[0], node.Name));
        var shape = Const(node, 1).RequireInts(node.Name);
        var shapeName = _onnx.Int64s($"{node.Name}/shape", [.. shape.Select(s => (long)s)]);
        return new TensorValue(_onnx.Node("Reshape", [x, shapeName], node.Name), Layout.Native, shape.Length);
    }

    private TensorValue ExpandDims(TfjsNode node)
    {
        var x = Get(node.Inputs[0], node.Name);
        var axis = Const(node, 1).RequireInts(node.Name)[0];
        var axes = _onnx.Int64s($"{node.Name}/axes", axis);
        return new TensorValue(_onnx.Node("Unsqueeze", [AsNative(x), axes], node.Name), Layout.Native, x.Rank + 1);
    }

    private TensorValue StridedSlice(TfjsNode node)
    {
        var x = Get(node.Inputs[0], node.Name);
        var begin = Const(node, 1).RequireInts(node.Name);
        var end = Const(node, 2).RequireInts(node.Name);
        var strides = Const(node, 3).RequireInts(node.Name);
        var beginMask = node.Attributes.Int("begin_mask", 0);
        var endMask = node.Attributes.Int("end_mask", 0);
        var shrinkMask = node.Attributes.Int("shrink_axis_mask", 0);
        if (node.Attributes.Int("ellipsis_mask", 0) != 0 || node.Attributes.Int("new_axis_mask", 0) != 0)
        {
            throw new UnsupportedOperatorException(node.Op, node.Name, "ellipsis_mask or new_axis_mask");
        }

        var n = begin.Length;
        var starts = new long[n];
        var ends = new long[n];
        var axes = new long[n];
        var steps = new long[n];
        var squeeze = new List<long>();
        for (var i = 0; i < n; i++)
        {
            var step = strides[i];
            var masked = (beginMask >> i & 1) != 0;
            var maskedEnd = (endMask >> i & 1) != 0;
            var shrink = (shrinkMask >> i & 1) != 0;
            starts[i] = masked && !shrink ? (step > 0 ? 0 : long.MaxValue) : begin[i];
            ends[i] = shrink
                ? (begin[i] == -1 ? long.MaxValue : begin[i] + 1)
                : maskedEnd ? (step > 0 ? long.MaxValue : long.MinValue) : end[i];
            axes[i] = i;
            steps[i] = shrink ? 1 : step;
            if (shrink)
            {
                squeeze.Add(i);
            }
        }

        var input = AsNative(x);
        var sliced = _onnx.Node("Slice",
            [input, _onnx.Int64s($"{node.Name}/starts", starts), _onnx.Int64s($"{node.Name}/ends", ends),
                _onnx.Int64s($"{node.Name}/axes", axes), _onnx.Int64s($"{node.Name}/steps", steps)],
            squeeze.Count > 0 ? $"{node.Name}/slice" : node.Name);
        if (squeeze.Count > 0)
        {
            sliced = _onnx.Node("Squeeze", [sliced, _onnx.Int64s($"{node.Name}/squeeze_axes", [.. squeeze])], node.Name);
        }

        return new TensorValue(sliced, Layout.Native, x.Rank - squeeze.Count);
    }

    private TensorValue Reduce(TfjsNode node, string onnxOp)
    {
        var x = Get(node.Inputs[0], node.Name);
        var keep = node.Attributes.Bool("keep_dims", false);
        var axes = Const(node, 1).RequireInts(node.Name).Select(a => a < 0 ? a + x.Rank : a).Order().ToArray();
        var spatial = axes.SequenceEqual([1, 2]);
        if (x.Layout == Layout.Nchw && (keep || spatial))
        {
            // Reducing H and W of NCHW leaves [N, C] — the same order NHWC would leave — so no transpose is needed.
            var mapped = axes.Select(a => (long)NchwAxis(a)).Order().ToArray();
            var reduced = _onnx.Node(onnxOp, [x.Name], node.Name, OnnxAttributes.Ints("axes", mapped),
                OnnxAttributes.Int("keepdims", keep ? 1 : 0));
            return keep ? new TensorValue(reduced, Layout.Nchw, 4) : new TensorValue(reduced, Layout.Native, 2);
        }

        var native = AsNative(x);
        var output = _onnx.Node(onnxOp, [native], node.Name, OnnxAttributes.Ints("axes", [.. axes.Select(a => (long)a)]),
            OnnxAttributes.Int("keepdims", keep ? 1 : 0));
        return new TensorValue(output, Layout.Native, keep ? x.Rank : x.Rank - axes.Length);
    }

    private TensorValue Softmax(TfjsNode node)
    {
        var x = Get(node.Inputs[0], node.Name);
        return new TensorValue(_onnx.Node("Softmax", [AsNative(x)], node.Name, OnnxAttributes.Int("axis", -1)),
            Layout.Native, x.Rank);
    }

    private TensorValue Pad(TfjsNode node)
    {
        var x = Get(node.Inputs[0], node.Name);
        var paddings = Const(node, 1).RequireInts(node.Name);
        var rank = paddings.Length / 2;
        var pads = new long[rank * 2];
        for (var axis = 0; axis < rank; axis++)
        {
            var target = x.Layout == Layout.Nchw ? NchwAxis(axis) : axis;
            pads[target] = paddings[axis * 2];
            pads[target + rank] = paddings[(axis * 2) + 1];
        }

        var inputs = new List<string> { x.Name, _onnx.Int64s($"{node.Name}/pads", pads) };
        if (node.Op == "PadV2" && node.Inputs.Count > 2)
        {
            inputs.Add(_onnx.Initializer($"{node.Name}/value", Const(node, 2).RequireFloats(node.Name), []));
        }

        return x with { Name = _onnx.Node("Pad", inputs, node.Name, OnnxAttributes.String("mode", "constant")) };
    }

    private TensorValue Concat(TfjsNode node)
    {
        var axis = Const(node, node.Inputs.Count - 1).RequireInts(node.Name)[0];
        var parts = node.Inputs.Take(node.Inputs.Count - 1).Select(i => Get(i, node.Name)).ToArray();
        var rank = parts[0].Rank;
        if (axis < 0)
        {
            axis += rank;
        }

        var nchw = parts.All(p => p.Rank == 4) && parts.Any(p => p.Layout == Layout.Nchw);
        var names = parts.Select(p => nchw ? AsNchw(p, node.Name) : AsNative(p)).ToArray();
        var output = _onnx.Node("Concat", names, node.Name, OnnxAttributes.Int("axis", nchw ? NchwAxis(axis) : axis));
        return new TensorValue(output, nchw ? Layout.Nchw : Layout.Native, rank);
    }

    private static void RequireNhwc(TfjsNode node)
    {
        var format = node.Attributes.String("data_format", "NHWC");
        if (format != "NHWC")
        {
            throw new UnsupportedOperatorException(node.Op, node.Name, $"data_format {format}");
        }
    }
}
