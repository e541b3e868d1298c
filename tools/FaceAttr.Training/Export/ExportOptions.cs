namespace FaceAttr.Training.Export;

/// <summary>How <see cref="FaceAttrNetExporter"/> writes the network.</summary>
public sealed record ExportOptions
{
    /// <summary>Model id in the bundle manifest (default <c>faceattr-net</c>).</summary>
    public string ModelId { get; init; } = "faceattr-net";

    /// <summary>
    /// Bake the training normalisation <c>(x/255 − mean)/std</c> into the graph (default on), so the input is raw 0–255 RGB
    /// and the manifest says scale 1, mean 0, std 1. Off: the manifest carries the normalisation and the device applies it.
    /// </summary>
    public bool BakeNormalisation { get; init; } = true;

    /// <summary>Face crop side as a multiple of the detected box; null (default) writes the framing the network was trained on (<see cref="Network.NetworkOptions.CropScale"/>).</summary>
    public float? CropScale { get; init; }

    /// <summary>
    /// Average every face with its mirror image inside the graph (test-time flip averaging; <see cref="Export.FlipAverage"/>):
    /// twice the backbone's compute for better answers on nearly every head (measured in docs/training.md; the averaged
    /// default network is still several times faster than faceres alone, one of the teachers it replaces). Default on.
    /// </summary>
    public bool FlipAverage { get; init; } = true;

    /// <summary>Provenance written into the manifest entry.</summary>
    public string? TrainingData { get; init; }

    /// <summary>Licence of the weights written into the manifest entry.</summary>
    public string? License { get; init; }
}
