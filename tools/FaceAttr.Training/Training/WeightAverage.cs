using FaceAttr.Training.Network;
using static TorchSharp.torch;

namespace FaceAttr.Training.Training;

/// <summary>
/// An exponential moving average of a network's weights and BatchNorm statistics (Polyak averaging, as in TensorFlow's
/// <c>ExponentialMovingAverage</c> and timm's model EMA). After every optimizer step the copy moves a fraction
/// 1 − d of the way towards the live network, with d = min(decay, (1 + n) / (10 + n)) after n updates so that the
/// first steps are not dominated by the random initialisation. Why: validation of the live network swings by several
/// points from one epoch to the next on these small sets (one epoch's age MAE was 22 years between 11-year ones); the
/// average over the last few thousand steps is steadier and is what gets saved.
/// </summary>
public sealed class WeightAverage : IDisposable
{
    private readonly (Tensor Average, Tensor Live)[] pairs;
    private readonly double decay;

    /// <summary>Starts the average at a copy of <paramref name="live"/>'s current state.</summary>
    /// <param name="live">The network being trained; its tensors are read after every <see cref="Update"/>.</param>
    /// <param name="decay">Per-step decay, in (0, 1) (0.999 averages over roughly the last thousand steps).</param>
    public WeightAverage(FaceAttrNet live, double decay)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decay);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(decay, 1.0);
        this.decay = decay;
        Network = new FaceAttrNet(live.Options);
        using (NewDisposeScope())
        {
            Network.load_state_dict(live.state_dict(), strict: true);
        }

        foreach (var p in Network.parameters())
        {
            p.requires_grad = false;
        }

        // state_dict hands out the module's own tensors, so these pairs stay bound to both networks' storage.
        var average = Network.state_dict();
        var current = live.state_dict();
        pairs = [.. average.Keys.Select(k => (average[k], current[k]))];
    }

    /// <summary>The averaged network: never trained directly, only validated and saved.</summary>
    public FaceAttrNet Network { get; }

    /// <summary>Updates made so far (restored on resume).</summary>
    public long Updates { get; private set; }

    /// <summary>The decay used for update number <paramref name="update"/> (1-based).</summary>
    public static double EffectiveDecay(double decay, long update) => Math.Min(decay, (1.0 + update) / (10.0 + update));

    /// <summary>Moves the average towards the live network; call after each optimizer step.</summary>
    public void Update()
    {
        Updates++;
        var d = EffectiveDecay(decay, Updates);
        using var noGrad = no_grad();
        foreach (var (average, live) in pairs)
        {
            if (average.is_floating_point())
            {
                average.lerp_(live, 1 - d);
            }
            else
            {
                // num_batches_tracked: a count, not something to average.
                average.copy_(live);
            }
        }
    }

    /// <summary>Restores a saved average (<see cref="FaceAttrNet"/> weights file) and its update count.</summary>
    public void Load(string path, long updates)
    {
        // Read into a scratch network and copy: the pairs above must keep pointing at this network's own storage.
        using var saved = new FaceAttrNet(Network.Options);
        saved.load(path);
        using var noGrad = no_grad();
        var source = saved.state_dict();
        foreach (var (name, target) in Network.state_dict())
        {
            target.copy_(source[name]);
        }

        Updates = updates;
    }

    /// <inheritdoc/>
    public void Dispose() => Network.Dispose();
}
