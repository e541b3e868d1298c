// Wrapped in STEPTIME_BENCH (defined only by StepTimeBench.csproj) because FaceAttr.Training.csproj's default globbing
// also sees this file: there it compiles to nothing.
#if STEPTIME_BENCH
using System.Diagnostics;
using System.Globalization;
using FaceAttr.Training.Native;
using FaceAttr.Training.Network;
using TorchSharp;
using static TorchSharp.torch;

// Times one TorchSharp training step of FaceAttrNet with the default NetworkOptions (64x64, widths 32/48/96/192,
// feature 192; --widths/--feature as in ../step_time.py for another shape), the same step as ../step_time.py: forward, summed loss (cross-entropy per softmax head incl. the three
// age stages, BCE-with-logits on the binary attributes), backward, clip_grad_norm_(5), SGD (0.02, momentum 0.9 Nesterov,
// weight decay 5e-4) or Adam (0.002, weight decay 5e-4). Random input; batch creation is outside the timed region.
var batch = Arg("--batch", 64);
var threads = Arg("--threads", 2);
var warmup = Arg("--warmup", 5);
var steps = Arg("--steps", 30);
var relu = args.Contains("relu");
var adam = args.Contains("adam");
var widths = ArgText("--widths") is { } w ? w.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray() : null;
var feature = Arg("--feature", 0);

var runtime = TorchRuntime.Initialize(threads);
torch.manual_seed(1);
var shape = new NetworkOptions { Activation = relu ? ActivationKind.Relu : ActivationKind.PRelu };
shape = shape with { Widths = widths ?? shape.Widths, FeatureSize = feature > 0 ? feature : shape.FeatureSize };
using var net = new FaceAttrNet(shape);
net.train();
var parameters = net.parameters().ToList();
using var optimizer = adam
    ? (TorchSharp.Modules.OptimizerHelper)optim.Adam(parameters, 0.002, weight_decay: 5e-4)
    : optim.SGD(parameters, 0.02, 0.9, 0, 5e-4, nesterov: true);

var binary = net.Options.BinaryAttributes.Count;
using var x = (rand(batch, 3, 64, 64) * 2) - 1;
using var y2 = randint(0, 2, [batch], ScalarType.Int64);
var y3 = Enumerable.Range(0, 5).Select(_ => randint(0, 3, [batch], ScalarType.Int64)).ToArray();
using var y7 = randint(0, 7, [batch], ScalarType.Int64);
using var yb = randint(0, 2, [batch, binary], ScalarType.Int64).to_type(ScalarType.Float32);

for (var i = 0; i < warmup; i++)
{
    Step();
}

var times = new List<double>();
var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
for (var i = 0; i < steps; i++)
{
    var watch = Stopwatch.StartNew();
    Step();
    times.Add(watch.Elapsed.TotalMilliseconds);
}

var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / steps;
times.Sort();
var median = steps % 2 == 1 ? times[steps / 2] : (times[(steps / 2) - 1] + times[steps / 2]) / 2;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"torchsharp {runtime} batch={batch} activation={(relu ? "relu" : "prelu")} optimizer={(adam ? "adam" : "sgd")} parameters={net.ParameterCount()}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"torchsharp median_ms={median:0.00} mean_ms={times.Average():0.00} min_ms={times[0]:0.00} cpu_ms={cpuMs:0.00} steps={steps}"));
return 0;

void Step()
{
    using var scope = NewDisposeScope();
    var logits = net.forward(x);
    var loss = nn.functional.cross_entropy(logits.Gender, y2);
    for (var s = 0; s < 3; s++)
    {
        loss = loss + nn.functional.cross_entropy(logits.AgeStages[s], y3[s]);
    }

    loss = loss + nn.functional.cross_entropy(logits.Expression, y7)
        + nn.functional.cross_entropy(logits.ExpressionCoarse, y3[3])
        + nn.functional.cross_entropy(logits.Eyewear, y3[4])
        + nn.functional.binary_cross_entropy_with_logits(logits.Binary, yb);
    optimizer.zero_grad();
    loss.backward();
    nn.utils.clip_grad_norm_(parameters, 5.0);
    optimizer.step();
    _ = loss.item<float>();
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

string? ArgText(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
#endif
