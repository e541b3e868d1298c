namespace FaceAttr.Messaging;

/// <summary>
/// The rules for the names FaceAttr puts into topics: device ids, fleet groups, command verbs, attribute heads
/// and the topic prefix. Names are checked where they enter (options, registration), so no topic ever carries a
/// wildcard, an empty level or a stray separator.
/// </summary>
public static class TopicNames
{
    /// <summary>Longest device id or fleet group name.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Longest command verb.</summary>
    public const int MaxVerbLength = 32;

    /// <summary>Longest topic prefix.</summary>
    public const int MaxPrefixLength = 64;

    /// <summary>True for a device id or fleet group: 1–64 characters of A–Z, a–z, 0–9, '-' or '_'.</summary>
    public static bool IsValidId(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxIdLength &&
        value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>True for a command verb: 1–32 characters of a–z, 0–9, '-' or '_', starting with a letter.</summary>
    public static bool IsValidVerb(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxVerbLength && char.IsAsciiLetterLower(value[0]) &&
        value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_');

    /// <summary>True for an attribute head name: 1–32 characters of a–z, 0–9 or '_', starting with a letter.</summary>
    public static bool IsValidHead(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 32 && char.IsAsciiLetterLower(value[0]) &&
        value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');

    /// <summary>
    /// True for a topic prefix: 1–64 characters, one or more '/'-separated levels of A–Z, a–z, 0–9, '-' or '_'
    /// (no wildcards, no empty level, no leading or trailing '/').
    /// </summary>
    public static bool IsValidPrefix(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxPrefixLength &&
        value.Split('/').All(level => level.Length > 0 && level.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
}
