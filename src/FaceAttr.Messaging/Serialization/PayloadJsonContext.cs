using System.Text.Json;
using System.Text.Json.Serialization;
using FaceAttr.Core.Events;

namespace FaceAttr.Messaging;

/// <summary>
/// Compile-time JSON metadata of every payload of the MQTT contract (events, status, stats, command replies and their
/// results, update progress), so publishing needs no reflection and the daemon can be trimmed. The options mirror
/// <see cref="PayloadSerializer.Options"/>; the two converters are added there.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(TrackEvent))]
[JsonSerializable(typeof(DeviceStatus))]
[JsonSerializable(typeof(DeviceStats))]
[JsonSerializable(typeof(CommandReply))]
[JsonSerializable(typeof(UpdateProgress))]
[JsonSerializable(typeof(PingResult))]
[JsonSerializable(typeof(UpdateAccepted))]
[JsonSerializable(typeof(ChunkReceipt))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(Dictionary<string, object>))]
public sealed partial class PayloadJsonContext : JsonSerializerContext;
