using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FaceAttr.Core;

/// <summary>How the projects' JSON options find type metadata: compile-time contexts first, reflection only where allowed.</summary>
public static class JsonResolvers
{
    /// <summary>
    /// Reflection where the program allows it (builds, tests, the host tool), else <paramref name="context"/>: a trimmed
    /// program (the published daemon) turns reflection-based JSON off (<c>JsonSerializerIsReflectionEnabledByDefault</c>
    /// is false under <c>PublishTrimmed</c>) and then uses the compile-time metadata, which covers every MQTT payload,
    /// bundle file and manifest. Why not the context everywhere: for records with <c>required</c> members the source
    /// generator sets every <c>init</c> property, so a member missing from the JSON gets its type's default instead of
    /// its initializer (a manifest without <c>schema_version</c> would read 0). Files and payloads FaceAttr writes carry
    /// every member, and <c>JsonResolverTests</c> checks both paths read them alike.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode",
        Justification = "The reflection resolver is created only when JsonSerializer.IsReflectionEnabledByDefault, which trimmed builds switch off.")]
    public static IJsonTypeInfoResolver ReflectionElse(IJsonTypeInfoResolver context) =>
        JsonSerializer.IsReflectionEnabledByDefault ? new DefaultJsonTypeInfoResolver() : context;
}
