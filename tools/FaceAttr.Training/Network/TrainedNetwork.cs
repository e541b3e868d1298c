using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceAttr.Training.Network;

/// <summary>
/// A trained network on disk: <c>model.bin</c> (TorchSharp weights) beside <c>network.json</c> (the
/// <see cref="NetworkOptions"/> that shape it). Training, pruning and export all read and write this pair, so a pruned
/// network (other widths) loads exactly like the one it came from.
/// </summary>
public static class TrainedNetwork
{
    /// <summary>Weights file name.</summary>
    public const string WeightsFile = "model.bin";

    /// <summary>Shape file name.</summary>
    public const string OptionsFile = "network.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Writes <paramref name="net"/> into <paramref name="folder"/> (each file via a temp file and a rename).</summary>
    public static string Save(FaceAttrNet net, string folder)
    {
        ArgumentNullException.ThrowIfNull(net);
        Directory.CreateDirectory(folder);
        var weights = Path.Combine(folder, WeightsFile);
        var options = Path.Combine(folder, OptionsFile);
        net.save(weights + ".tmp");
        File.WriteAllText(options + ".tmp", JsonSerializer.Serialize(net.Options, Json));
        File.Move(weights + ".tmp", weights, overwrite: true);
        File.Move(options + ".tmp", options, overwrite: true);
        return weights;
    }

    /// <summary>Reads the shape saved beside <paramref name="weightsPath"/>.</summary>
    /// <exception cref="InvalidDataException">network.json is missing or malformed.</exception>
    public static NetworkOptions ReadOptions(string weightsPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(weightsPath))!;
        var path = Path.Combine(folder, OptionsFile);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: missing; a trained network needs its shape file beside {Path.GetFileName(weightsPath)} (written by 'faceattr train' and 'faceattr prune')");
        }

        NetworkOptions? options;
        try
        {
            options = JsonSerializer.Deserialize<NetworkOptions>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a network shape: {ex.Message}", ex);
        }

        if (options is null)
        {
            throw new InvalidDataException($"{path}: empty network shape");
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }

        return options;
    }

    /// <summary>
    /// Builds the network of the shape beside <paramref name="weightsPath"/> and loads its weights, in eval mode.
    /// </summary>
    /// <exception cref="InvalidDataException">A file is missing, or the weights belong to another architecture or shape.</exception>
    public static FaceAttrNet Load(string weightsPath)
    {
        if (!File.Exists(weightsPath))
        {
            throw new InvalidDataException($"{weightsPath}: no such weights file");
        }

        var options = ReadOptions(weightsPath);
        var net = new FaceAttrNet(options);
        try
        {
            net.load(weightsPath, strict: true);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or NotImplementedException or EndOfStreamException)
        {
            net.Dispose();
            throw new InvalidDataException(
                $"{weightsPath}: these weights do not fit a FaceAttrNet of block widths [{string.Join(", ", options.ResolvedBlockWidths())}], feature size {options.FeatureSize}, {options.BinaryAttributes.Count} attributes ({ex.Message})", ex);
        }

        net.eval();
        return net;
    }
}
