using System.Text.Json.Serialization;
using FaceAttr.Bundles.Signing;
using FaceAttr.Bundles.Slots;

namespace FaceAttr.Bundles.Updating;

/// <summary>
/// Compile-time JSON metadata of this library's files and results (signature, slot seal and pointers, audit entries,
/// update results), so the daemon's update path needs no reflection and can be trimmed. Mirrors <see cref="UpdateJson.Options"/>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BundleSignature))]
[JsonSerializable(typeof(SlotSeal))]
[JsonSerializable(typeof(SlotPointer))]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(UpdateResult))]
[JsonSerializable(typeof(UpdateProgress))]
[JsonSerializable(typeof(UpdateStage))]
[JsonSerializable(typeof(UpdateFailure))]
public sealed partial class BundlesJsonContext : JsonSerializerContext;
