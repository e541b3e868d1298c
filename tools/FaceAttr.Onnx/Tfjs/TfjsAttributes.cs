using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FaceAttr.Onnx.Tfjs;

/// <summary>
/// Typed access to a TF.js node's <c>attr</c> object, where TensorFlow's AttrValue is written as JSON:
/// <c>{"i": "2"}</c>, <c>{"f": 0.5}</c>, <c>{"b": true}</c>, <c>{"s": base64}</c>, <c>{"list": {"i": [...]}}</c>.
/// </summary>
public readonly struct TfjsAttributes
{
    private readonly JsonElement _attrs;
    private readonly string _node;

    /// <summary>Wraps the <c>attr</c> object of the node named <paramref name="node"/>.</summary>
    public TfjsAttributes(JsonElement attrs, string node)
    {
        _attrs = attrs;
        _node = node;
    }

    /// <summary>Whether the attribute exists.</summary>
    public bool Has(string name) => TryGet(name, out _);

    /// <summary>A string attribute (base64-decoded), or <paramref name="fallback"/> when absent.</summary>
    public string String(string name, string? fallback = null)
    {
        if (TryGet(name, out var v) && v.TryGetProperty("s", out var s))
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(s.GetString() ?? string.Empty));
        }

        return fallback ?? throw Missing(name);
    }

    /// <summary>An integer attribute, or <paramref name="fallback"/> when absent.</summary>
    public long Int(string name, long? fallback = null)
    {
        if (TryGet(name, out var v) && v.TryGetProperty("i", out var i))
        {
            return ParseLong(i);
        }

        return fallback ?? throw Missing(name);
    }

    /// <summary>A float attribute, or <paramref name="fallback"/> when absent.</summary>
    public float Float(string name, float? fallback = null)
    {
        if (TryGet(name, out var v) && v.TryGetProperty("f", out var f))
        {
            return f.ValueKind == JsonValueKind.String
                ? float.Parse(f.GetString()!, CultureInfo.InvariantCulture)
                : f.GetSingle();
        }

        return fallback ?? throw Missing(name);
    }

    /// <summary>A boolean attribute, or <paramref name="fallback"/> when absent.</summary>
    public bool Bool(string name, bool fallback) =>
        TryGet(name, out var v) && v.TryGetProperty("b", out var b) ? b.GetBoolean() : fallback;

    /// <summary>An integer list attribute, or an empty array when absent.</summary>
    public long[] Ints(string name)
    {
        if (!TryGet(name, out var v) || !v.TryGetProperty("list", out var list) || !list.TryGetProperty("i", out var items))
        {
            return [];
        }

        return [.. items.EnumerateArray().Select(ParseLong)];
    }

    /// <summary>A string list attribute (base64-decoded), or an empty array when absent.</summary>
    public string[] Strings(string name)
    {
        if (!TryGet(name, out var v) || !v.TryGetProperty("list", out var list) || !list.TryGetProperty("s", out var items))
        {
            return [];
        }

        return [.. items.EnumerateArray().Select(s => Encoding.UTF8.GetString(Convert.FromBase64String(s.GetString() ?? string.Empty)))];
    }

    /// <summary>The dims of a <c>shape</c> attribute (-1 for unknown), or null when absent.</summary>
    public long[]? Shape(string name)
    {
        if (!TryGet(name, out var v) || !v.TryGetProperty("shape", out var shape))
        {
            return null;
        }

        if (!shape.TryGetProperty("dim", out var dims))
        {
            return [];
        }

        return [.. dims.EnumerateArray().Select(d => d.TryGetProperty("size", out var s) ? ParseLong(s) : -1L)];
    }

    private bool TryGet(string name, out JsonElement value)
    {
        value = default;
        return _attrs.ValueKind == JsonValueKind.Object && _attrs.TryGetProperty(name, out value);
    }

    private static long ParseLong(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? long.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetInt64();

    private TfjsFormatException Missing(string name) => new($"node '{_node}': required attribute '{name}' is missing");
}
