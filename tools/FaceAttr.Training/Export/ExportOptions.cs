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

    /// <summary>Face crop side as a multiple of the detected box, as the network was trained (the crop cache's default, <see cref="Data.FaceCrops.DefaultCropScale"/>).</summary>
    public float CropScale { get; init; } = Data.FaceCrops.DefaultCropScale;

    /// <summary>Provenance written into the manifest entry.</summary>
    public string? TrainingData { get; init; }

    /// <summary>Licence of the weights written into the manifest entry.</summary>
    public string? License { get; init; }
}
