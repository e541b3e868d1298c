using System.Text.Json.Serialization;

namespace FaceAttr.Core.Bundles;

/// <summary>
/// The contract between the host tool and the device: what each model in a bundle is, how to feed it
/// and how to read it. Serialized as <c>manifest.json</c> with snake_case names (see DESIGN.md).
/// </summary>
public sealed record BundleManifest
{
    /// <summary>The manifest format version this runtime writes and reads.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Manifest format version; a runtime refuses versions it does not know.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Bundle name, e.g. <c>faceattr-default</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Bundle version (semantic version); updates refuse older versions unless forced.</summary>
    public required string Version { get; init; }

    /// <summary>The attribute taxonomy version the bundle's heads speak (<see cref="Taxonomy.Version"/>).</summary>
    public int TaxonomyVersion { get; init; } = Taxonomy.Version;

    /// <summary>The lowest FaceAttr runtime version that can load this bundle.</summary>
    public string MinRuntimeVersion { get; init; } = "0.1.0";

    /// <summary>The models in the bundle.</summary>
    public required IReadOnlyList<ModelEntry> Models { get; init; }

    /// <summary>
    /// Which model serves each taxonomy head by default (e.g. <c>gender → faceres</c>); a head not listed
    /// is served by the first model in <see cref="Models"/> that has an output for it. Options may override.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Heads { get; init; }
}

/// <summary>What a model does in the pipeline.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelRole>))]
public enum ModelRole
{
    /// <summary>Finds faces in a frame.</summary>
    [JsonStringEnumMemberName("detector")] Detector,

    /// <summary>Fits landmarks on a face crop.</summary>
    [JsonStringEnumMemberName("landmarks")] Landmarks,

    /// <summary>Fits iris and eye-contour landmarks on an eye crop.</summary>
    [JsonStringEnumMemberName("iris")] Iris,

    /// <summary>Predicts face attributes on an aligned face crop.</summary>
    [JsonStringEnumMemberName("attributes")] Attributes,
}

/// <summary>Numeric precision of a model's weights.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelPrecision>))]
public enum ModelPrecision
{
    /// <summary>32-bit float weights and activations.</summary>
    [JsonStringEnumMemberName("fp32")] Fp32,

    /// <summary>8-bit integer (QDQ) weights and activations.</summary>
    [JsonStringEnumMemberName("int8")] Int8,
}

/// <summary>One model of a bundle: file, provenance, input contract and output heads.</summary>
public sealed record ModelEntry
{
    /// <summary>Stable id inside the bundle, e.g. <c>faceres</c>.</summary>
    public required string Id { get; init; }

    /// <summary>What the model does.</summary>
    public required ModelRole Role { get; init; }

    /// <summary>ONNX file name, relative to the bundle folder.</summary>
    public required string File { get; init; }

    /// <summary>Lower-case hex SHA-256 of the ONNX file.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Weight precision.</summary>
    public ModelPrecision Precision { get; init; } = ModelPrecision.Fp32;

    /// <summary>Where the model comes from (URL of the original project).</summary>
    public string? Upstream { get; init; }

    /// <summary>Licence of the weights, SPDX id where known.</summary>
    public string? License { get; init; }

    /// <summary>What the model was trained on, as far as is known.</summary>
    public string? TrainingData { get; init; }

    /// <summary>How to feed the model.</summary>
    public required ModelInput Input { get; init; }

    /// <summary>The outputs the runtime reads.</summary>
    public required IReadOnlyList<ModelOutput> Outputs { get; init; }

    /// <summary>Detector anchor layout (detectors only).</summary>
    public DetectorAnchors? Anchors { get; init; }

    /// <summary>
    /// The model card: what was measured on held-out faces, head by head (for a quantized or pruned model, beside the
    /// figures of the fp32/unpruned model it came from). Informational; the runtime does not act on it.
    /// </summary>
    public IReadOnlyList<ModelMetric>? Metrics { get; init; }
}

/// <summary>One measured figure of a model's card.</summary>
public sealed record ModelMetric
{
    /// <summary>Taxonomy head (e.g. <c>gender</c>), or <c>*</c> for the whole model (e.g. latency).</summary>
    public required string Head { get; init; }

    /// <summary>What was measured: <c>accuracy</c> (0–1), <c>mae_years</c>, <c>agreement</c> (0–1, with the reference model).</summary>
    public required string Metric { get; init; }

    /// <summary>The figure for this model.</summary>
    public required double Value { get; init; }

    /// <summary>The same figure for the reference model (fp32 before quantization, or the network before pruning).</summary>
    public double? Reference { get; init; }

    /// <summary>Faces the figure was measured on.</summary>
    public int Count { get; init; }

    /// <summary>Where the faces came from (e.g. <c>celeba holdout</c>).</summary>
    public string? Dataset { get; init; }
}
