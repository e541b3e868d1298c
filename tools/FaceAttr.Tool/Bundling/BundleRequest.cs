using FaceAttr.Core.Bundles;

namespace FaceAttr.Tool.Bundling;

/// <summary>What <see cref="BundleComposer"/> puts together.</summary>
public sealed record BundleRequest
{
    /// <summary>Bundle whose detector, landmark and iris models (and any <see cref="KeepModels"/>) are carried over.</summary>
    public required string BaseBundle { get; init; }

    /// <summary>Exported ONNX files to add, each with its <c>ID.model.json</c> beside it (written by <c>faceattr export</c>).</summary>
    public required IReadOnlyList<string> Models { get; init; }

    /// <summary>Bundle folder to create; must not exist.</summary>
    public required string Output { get; init; }

    /// <summary>Bundle name.</summary>
    public required string Name { get; init; }

    /// <summary>Bundle version (semantic version).</summary>
    public required string Version { get; init; }

    /// <summary>Roles carried over from the base bundle (default: detector, landmarks, iris).</summary>
    public IReadOnlySet<ModelRole> KeepRoles { get; init; } = new HashSet<ModelRole> { ModelRole.Detector, ModelRole.Landmarks, ModelRole.Iris };

    /// <summary>Further base-bundle models to carry over by id (e.g. an attribute model kept beside the new network).</summary>
    public IReadOnlyList<string> KeepModels { get; init; } = [];
}
