using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceAttr.Training.Network;

/// <summary>Raw outputs (logits) of every head for a batch of N faces.</summary>
/// <param name="Gender">[N, 2].</param>
/// <param name="AgeStages">Three tensors [N, 3]: coarse to fine stage logits.</param>
/// <param name="Expression">[N, 7].</param>
/// <param name="ExpressionCoarse">[N, 3].</param>
/// <param name="Eyewear">[N, 3].</param>
/// <param name="Binary">[N, A] for the A binary attributes.</param>
public sealed record HeadLogits(Tensor Gender, IReadOnlyList<Tensor> AgeStages, Tensor Expression, Tensor ExpressionCoarse, Tensor Eyewear, Tensor Binary);

/// <summary>
/// 3×3 convolution (no bias), batch norm and activation: the building block, named as PyTorch names it
/// (<c>conv</c>, <c>bn</c>, <c>act</c>) so that ONNX export can fold <c>bn</c> into <c>conv</c>.
/// </summary>
public sealed class ConvBnAct : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;
    private readonly nn.Module<Tensor, Tensor> act;

    /// <summary>Creates the block.</summary>
    public ConvBnAct(string name, long inChannels, long outChannels, long stride, ActivationKind activation) : base(name)
    {
        conv = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        bn = nn.BatchNorm2d(outChannels);
        act = FaceAttrNet.Activation(activation, outChannels);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        using var c = conv.forward(input);
        using var b = bn.forward(c);
        return act.forward(b);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv.Dispose();
            bn.Dispose();
            act.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>
/// The compact multi-task network: a stride-2 stem, stages of two 3×3 conv blocks and a 2×2 max-pool, global average
/// pooling, one shared fully connected layer, and a linear layer per head. Only Conv2d, BatchNorm2d, PReLU/ReLU,
/// MaxPool2d, AdaptiveAvgPool2d, Dropout and Linear — every one has a plain ONNX equivalent (issue 6 exports it).
/// Parameter names: <c>stem.*</c>, <c>blocks.{k}.*</c> (see <see cref="BlockPrefix"/>), <c>fc.*</c>, <c>fc_act.*</c>, <c>head_gender.*</c>,
/// <c>head_age{1,2,3}.*</c>, <c>head_expression.*</c>, <c>head_expression_coarse.*</c>, <c>head_eyewear.*</c>,
/// <c>head_attributes.*</c>, and with a gender branch (<see cref="NetworkOptions.GenderBranch"/>) <c>gender_fc.*</c>,
/// <c>gender_act.*</c>.
/// </summary>
public sealed class FaceAttrNet : nn.Module<Tensor, HeadLogits>
{
    private readonly ConvBnAct stem;
    private readonly ModuleList<ConvBnAct> blocks;
    private readonly MaxPool2d pool;
    private readonly AdaptiveAvgPool2d gap;
    private readonly Linear fc;
    private readonly nn.Module<Tensor, Tensor> fc_act;
    private readonly Dropout dropout;
    private readonly Linear? gender_fc;
    private readonly nn.Module<Tensor, Tensor>? gender_act;
    private readonly Linear head_gender;
    private readonly Linear head_age1;
    private readonly Linear head_age2;
    private readonly Linear head_age3;
    private readonly Linear head_expression;
    private readonly Linear head_expression_coarse;
    private readonly Linear head_eyewear;
    private readonly Linear head_attributes;

    /// <summary>Builds the network for <paramref name="options"/> (validated).</summary>
    public FaceAttrNet(NetworkOptions options) : base(nameof(FaceAttrNet))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var w = options.ResolvedBlockWidths();
        stem = new ConvBnAct("stem", 3, w[0], 2, options.Activation);
        var list = new List<ConvBnAct>();
        for (var i = 1; i < options.Widths.Count; i++)
        {
            list.Add(new ConvBnAct($"stage{i}_1", w[(2 * i) - 2], w[(2 * i) - 1], 1, options.Activation));
            list.Add(new ConvBnAct($"stage{i}_2", w[(2 * i) - 1], w[2 * i], 1, options.Activation));
        }

        blocks = nn.ModuleList(list.ToArray());
        pool = nn.MaxPool2d(2);
        gap = nn.AdaptiveAvgPool2d(1);
        fc = nn.Linear(w[^1], options.FeatureSize);
        fc_act = Activation(options.Activation, options.FeatureSize);
        dropout = nn.Dropout(options.Dropout);
        var f = options.FeatureSize;
        if (options.GenderBranch is int branch)
        {
            gender_fc = nn.Linear(options.GenderBranchInputs, branch);
            gender_act = Activation(options.Activation, branch);
        }

        head_gender = nn.Linear(options.GenderBranch ?? f, 2);
        head_age1 = nn.Linear(f, AgeStages.Bins);
        head_age2 = nn.Linear(f, AgeStages.Bins);
        head_age3 = nn.Linear(f, AgeStages.Bins);
        head_expression = nn.Linear(f, HeadSet.ExpressionClasses);
        head_expression_coarse = nn.Linear(f, HeadSet.CoarseClasses);
        head_eyewear = nn.Linear(f, HeadSet.EyewearClasses);
        head_attributes = nn.Linear(f, options.BinaryAttributes.Count);
        RegisterComponents();
    }

    /// <summary>The options the network was built with.</summary>
    public NetworkOptions Options { get; }

    /// <inheritdoc/>
    public override HeadLogits forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var map = Trunk(input);
        var features = SharedFeatures(map);
        var gender = gender_fc is null || gender_act is null
            ? head_gender.forward(features)
            : head_gender.forward(dropout.forward(gender_act.forward(gender_fc.forward(map.flatten(1)))));
        var logits = new HeadLogits(
            gender,
            [head_age1.forward(features), head_age2.forward(features), head_age3.forward(features)],
            head_expression.forward(features),
            head_expression_coarse.forward(features),
            head_eyewear.forward(features),
            head_attributes.forward(features));
        Tensor[] outputs = [logits.Gender, .. logits.AgeStages, logits.Expression, logits.ExpressionCoarse, logits.Eyewear, logits.Binary];
        foreach (var tensor in outputs)
        {
            tensor.MoveToOuterDisposeScope();
        }

        return logits;
    }

    /// <summary>The last stage's pooled map [N, C, s, s] for input [N, 3, S, S].</summary>
    private Tensor Trunk(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var s = Options.InputSize;
        if (input.ndim != 4 || input.shape[1] != 3 || input.shape[2] != s || input.shape[3] != s)
        {
            throw new ArgumentException($"expected input [N, 3, {s}, {s}], got [{string.Join(", ", input.shape)}]", nameof(input));
        }

        var x = stem.forward(input);
        for (var i = 0; i < blocks.Count; i += 2)
        {
            x = blocks[i].forward(x);
            x = blocks[i + 1].forward(x);
            x = pool.forward(x);
        }

        return x;
    }

    /// <summary>Global average pooling, the shared layer and dropout: what every head but a gender branch reads.</summary>
    private Tensor SharedFeatures(Tensor map)
    {
        var x = gap.forward(map).flatten(1);
        x = fc_act.forward(fc.forward(x));
        return dropout.forward(x);
    }

    /// <summary>
    /// Prefix of block <paramref name="block"/>'s tensors in the state dict (block 0 is the stem, then two per stage in
    /// order): <c>stem</c>, <c>blocks.0</c>, <c>blocks.1</c>, …
    /// </summary>
    public static string BlockPrefix(int block)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        return block == 0 ? "stem" : $"blocks.{block - 1}";
    }

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());

    internal static nn.Module<Tensor, Tensor> Activation(ActivationKind kind, long channels) => kind switch
    {
        ActivationKind.PRelu => nn.PReLU(channels, init: 0.25),
        ActivationKind.Relu => nn.ReLU(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var (_, module) in named_children())
            {
                module.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
