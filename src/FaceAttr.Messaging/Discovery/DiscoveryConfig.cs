namespace FaceAttr.Messaging;

/// <summary>One retained Home Assistant discovery message: its config topic and JSON payload.</summary>
/// <param name="Topic"><c>{ha prefix}/{component}/faceattr_{device}/{object}/config</c>.</param>
/// <param name="Payload">The entity config, UTF-8 JSON.</param>
public sealed record DiscoveryConfig(string Topic, byte[] Payload);
