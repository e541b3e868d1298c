using FaceAttr.Bundles.Versioning;
using FaceAttr.Core;
using FaceAttr.Core.Bundles;
using FaceAttr.Vision.Models;

namespace FaceAttr.Bundles.Compatibility;

/// <summary>What a bundle must fit on this device.</summary>
public sealed record CompatibilityOptions
{
    /// <summary>The runtime version compared with the manifest's <c>min_runtime_version</c>. Default: this assembly's version.</summary>
    public BundleVersion RuntimeVersion { get; init; } = BundleVersion.Runtime;

    /// <summary>The taxonomy version the runtime decodes; a bundle must speak exactly this one. Default <see cref="Taxonomy.Version"/>.</summary>
    public int TaxonomyVersion { get; init; } = Taxonomy.Version;

    /// <summary>Roles the bundle must have at least one model for. Default: a detector (the pipeline starts with one).</summary>
    public IReadOnlyList<ModelRole> RequiredRoles { get; init; } = [ModelRole.Detector];

    /// <summary>Session settings for the check (1 thread keeps the check from starving the running pipeline).</summary>
    public SessionSettings Session { get; init; } = new();

    /// <summary>Tolerance on a softmax or distribution summing to 1. Default 0.02.</summary>
    public float SumTolerance { get; init; } = 0.02f;

    /// <summary>Largest plausible age in years from an age output. Default 150.</summary>
    public float MaxAgeYears { get; init; } = 150f;
}
