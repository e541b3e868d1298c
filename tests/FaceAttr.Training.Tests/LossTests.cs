using FaceAttr.Training.Losses;
using FaceAttr.Training.Training;
using static TorchSharp.torch;

namespace FaceAttr.Training.Tests;

public sealed class LossTests
{
    public LossTests() => TorchFixture.Ensure();

    [Fact]
    public void AgePredictionOfShapeN1AgainstTargetsOfNThrows()
    {
        using var predictions = randn(8, 1);
        using var targets = randn(8);
        using var weights = ones(8);

        var ex = Assert.Throws<ArgumentException>(() => HeadLoss.L1(predictions, targets, weights));
        Assert.Contains("predictions", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[8, 1]", ex.Message, StringComparison.Ordinal);

        // The same tensors squeezed are accepted: the check is about shape, not values.
        using var squeezed = predictions.squeeze(1);
        using var ok = HeadLoss.L1(squeezed, targets, weights);
        Assert.Equal(0, ok.ndim);
    }

    [Fact]
    public void EveryLossRejectsMismatchedShapes()
    {
        using var logits = randn(4, 3);
        Assert.Throws<ArgumentException>(() => HeadLoss.CrossEntropy(logits, zeros(4, 1, dtype: int64), ones(4)));
        Assert.Throws<ArgumentException>(() => HeadLoss.CrossEntropy(logits, zeros(4, dtype: int64), ones(4, 1)));
        Assert.Throws<ArgumentException>(() => HeadLoss.CrossEntropy(logits, zeros(4, dtype: float32), ones(4)));
        Assert.Throws<ArgumentException>(() => HeadLoss.SetCrossEntropy(logits, ones(4, 2), ones(4)));
        Assert.Throws<ArgumentException>(() => HeadLoss.Binary(logits, ones(4), ones(4, 3)));
        Assert.Throws<ArgumentException>(() => HeadLoss.Binary(logits, ones(4, 3), ones(4)));
    }

    [Fact]
    public void MaskedSamplesDoNotChangeTheLoss()
    {
        using var logits = tensor(new float[] { 2, -1, 0.5f, 0.5f, -3, 3 }, [3, 2]);
        using var weights = tensor(new float[] { 1, 1, 0 });
        using var a = HeadLoss.CrossEntropy(logits, tensor(new long[] { 0, 1, 0 }), weights);
        using var b = HeadLoss.CrossEntropy(logits, tensor(new long[] { 0, 1, -1 }), weights);
        using var twoOnly = HeadLoss.CrossEntropy(logits[..2], tensor(new long[] { 0, 1 }), ones(2));

        Assert.Equal(a.item<float>(), b.item<float>(), 6);
        Assert.Equal(twoOnly.item<float>(), a.item<float>(), 5);
    }

    [Fact]
    public void NoLabelledSampleGivesZeroNotNaN()
    {
        using var logits = randn(5, 7, requires_grad: true);
        using var loss = HeadLoss.CrossEntropy(logits, full(5, -1L), zeros(5));

        Assert.Equal(0f, loss.item<float>());
        loss.backward();
        Assert.Equal(0f, logits.grad!.abs().sum().item<float>());
    }

    [Fact]
    public void CrossEntropyMatchesTheDefinitionAndFocalDownweightsEasyExamples()
    {
        using var logits = tensor(new float[] { 3, 0, 0, 0.2f }, [2, 2]);
        using var targets = tensor(new long[] { 0, 0 });
        using var weights = ones(2);
        using var plain = HeadLoss.CrossEntropy(logits, targets, weights);
        using var reference = nn.functional.cross_entropy(logits, targets);
        using var focal = HeadLoss.CrossEntropy(logits, targets, weights, focalGamma: 2);

        Assert.Equal(reference.item<float>(), plain.item<float>(), 5);
        Assert.True(focal.item<float>() < plain.item<float>() * 0.7f, $"focal {focal.item<float>()} vs plain {plain.item<float>()}");
    }

    [Fact]
    public void SetCrossEntropyIsMinusLogOfTheAllowedMass()
    {
        using var logits = tensor(new float[] { 1, 2, 0.5f }, [1, 3]);
        using var allowed = tensor(new float[] { 0, 1, 1 }, [1, 3]);
        using var loss = HeadLoss.SetCrossEntropy(logits, allowed, ones(1));
        var p = logits.softmax(1).data<float>().ToArray();

        Assert.Equal(-MathF.Log(p[1] + p[2]), loss.item<float>(), 4);
    }

    [Fact]
    public void BinaryLossIgnoresMaskedAttributes()
    {
        using var logits = tensor(new float[] { 4, -4, 0 }, [1, 3]);
        using var w = tensor(new float[] { 1, 1, 0 }, [1, 3]);
        using var a = HeadLoss.Binary(logits, tensor(new float[] { 1, 0, 1 }, [1, 3]), w);
        using var b = HeadLoss.Binary(logits, tensor(new float[] { 1, 0, 0 }, [1, 3]), w);

        Assert.Equal(a.item<float>(), b.item<float>(), 6);
        Assert.True(a.item<float>() < 0.02f);
    }

    [Fact]
    public void BalancersCombineAndReportWeights()
    {
        string[] terms = ["a", "b"];
        var losses = new Dictionary<string, Tensor> { ["a"] = tensor(2f), ["b"] = tensor(0.5f) };
        using var fixedBalancer = TaskBalancer.Create(BalanceKind.Fixed, terms, new Dictionary<string, double> { ["b"] = 4 });
        using var uncertainty = TaskBalancer.Create(BalanceKind.Uncertainty, terms);
        using var dwa = TaskBalancer.Create(BalanceKind.Dwa, terms);

        Assert.Equal(4f, fixedBalancer.Combine(losses).item<float>(), 5);
        Assert.Equal(2.5f, uncertainty.Combine(losses).item<float>(), 5); // s = 0: plain sum
        Assert.Single(uncertainty.Parameters);

        dwa.EndEpoch(new Dictionary<string, double> { ["a"] = 1, ["b"] = 1 });
        dwa.EndEpoch(new Dictionary<string, double> { ["a"] = 1, ["b"] = 0.5 });
        var w = dwa.Weights();
        Assert.True(w["a"] > w["b"], "the term whose loss fell less gets more weight");
        Assert.Equal(2.0, w["a"] + w["b"], 6);
    }

    [Fact]
    public void AWeightFloorHoldsUpATermWhoseLossStaysLarge()
    {
        // Uncertainty weighting drives a term's weight towards 1/loss: with a loss of 10 it falls well below 1, unless a
        // floor of 1 holds it there. The other term is left free.
        string[] terms = ["age", "gender"];
        using var free = TaskBalancer.Create(BalanceKind.Uncertainty, terms);
        using var floored = TaskBalancer.Create(BalanceKind.Uncertainty, terms, minWeights: new Dictionary<string, double> { ["age"] = 1 });
        foreach (var balancer in new[] { free, floored })
        {
            Settle(balancer, new() { ["age"] = 10f, ["gender"] = 10f }, learningRate: 0.1, steps: 200);
        }

        Assert.True(free.Weights()["age"] < 0.2, $"free age weight {free.Weights()["age"]}");
        Assert.Equal(1.0, floored.Weights()["age"], 5);
        Assert.Equal(free.Weights()["gender"], floored.Weights()["gender"], 5);

        // The floor also holds in the loss that is back-propagated, not only in the reported weight: 10·1 + 0 for age.
        using var combined = floored.Combine(new Dictionary<string, Tensor> { ["age"] = tensor(10f) });
        Assert.Equal(10f, combined.item<float>(), 4);
    }

    [Theory]
    [InlineData("ages", 1.0, "unknown loss term 'ages'")]
    [InlineData("age", 0.0, "must be above 0")]
    [InlineData("age", 5.0, "at most 4.48")]
    public void AWeightFloorForAnUnknownTermOrOutOfRangeIsRefused(string term, double weight, string expected)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() =>
            TaskBalancer.Create(BalanceKind.Uncertainty, ["age", "gender"], minWeights: new Dictionary<string, double> { [term] = weight }));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATaskScaleMultipliesTheWholeUncertaintyTermSoTheLearnedWeightCannotCancelIt()
    {
        // Scaling only the loss would be undone: the learned weight settles near 1/loss. Scaling the term k·(e^{−s}L + s)
        // leaves s where it settles and multiplies the pull on the network by k.
        string[] terms = ["attributes", "gender"];
        using var plain = TaskBalancer.Create(BalanceKind.Uncertainty, terms);
        using var scaled = TaskBalancer.Create(BalanceKind.Uncertainty, terms, scales: new Dictionary<string, double> { ["attributes"] = 11 });
        foreach (var balancer in new[] { plain, scaled })
        {
            Settle(balancer, new() { ["attributes"] = 0.5f, ["gender"] = 0.5f }, learningRate: 0.01, steps: 1000);
        }

        // Both settle near 1/0.5 = 2 per task; the scaled term reports (and pulls with) 11 times that.
        Assert.InRange(plain.Weights()["attributes"], 1.8, 2.2);
        Assert.Equal(11 * plain.Weights()["attributes"], scaled.Weights()["attributes"], 2);
        Assert.Equal(plain.Weights()["gender"], scaled.Weights()["gender"], 5);

        // The gradient reaching a network parameter through the term is 11 times larger.
        var gradients = new List<float>();
        foreach (var balancer in new[] { plain, scaled })
        {
            using var x = tensor(1f).requires_grad_();
            using var loss = balancer.Combine(new Dictionary<string, Tensor> { ["attributes"] = x * 0.5f });
            loss.backward();
            gradients.Add(x.grad!.item<float>());
        }

        Assert.Equal(11 * gradients[0], gradients[1], 3);

        // Fixed weighting: the weight times the scale.
        using var fixedScaled = TaskBalancer.Create(BalanceKind.Fixed, terms, new Dictionary<string, double> { ["gender"] = 2 }, scales: new Dictionary<string, double> { ["gender"] = 3 });
        using var combined = fixedScaled.Combine(new Dictionary<string, Tensor> { ["gender"] = tensor(0.5f) });
        Assert.Equal(3f, combined.item<float>(), 5);
        Assert.Equal(6.0, fixedScaled.Weights()["gender"], 6);
    }

    [Theory]
    [InlineData("attrs", 2.0, "unknown loss term 'attrs'")]
    [InlineData("attributes", 0.0, "must be in 0.1..20")]
    [InlineData("attributes", 40.0, "must be in 0.1..20")]
    public void ATaskScaleForAnUnknownTermOrOutOfRangeIsRefused(string term, double scale, string expected)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() =>
            TaskBalancer.Create(BalanceKind.Uncertainty, ["attributes", "gender"], scales: new Dictionary<string, double> { [term] = scale }));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        var options = new TrainOptions { TaskScale = new Dictionary<string, double> { [term] = scale } };
        Assert.ThrowsAny<ArgumentException>(options.Validate);
    }

    /// <summary>Trains only the balancer's own parameters on constant losses, so its learned weights settle.</summary>
    private static void Settle(TaskBalancer balancer, Dictionary<string, float> losses, double learningRate, int steps)
    {
        using var optimizer = optim.SGD(balancer.Parameters, learningRate);
        for (var step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            balancer.Combine(losses.ToDictionary(p => p.Key, p => tensor(p.Value))).backward();
            optimizer.step();
        }
    }
}
