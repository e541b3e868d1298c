using System.Text.Json;
using FaceAttr.Bundles.Signing;
using FaceAttr.Messaging;

namespace FaceAttr.Daemon;

/// <summary>
/// The payload of <c>cmd/update</c>: <c>{"url": "https://…/bundle.tar.gz", "signature": {…the .sig document…},
/// "force": false, "request_id": "…"}</c>, or instead of <c>url</c> <c>"transfer": "mqtt"</c> for a site with only a
/// broker: the archive then follows in <c>cmd/update_chunk</c> messages. Anything else is refused with
/// <c>invalid_payload</c> naming the field.
/// </summary>
public static class UpdateCommand
{
    /// <summary>Reads and checks the payload.</summary>
    /// <exception cref="CommandException">A field is missing or malformed.</exception>
    public static (Uri? Url, BundleSignature Signature, bool Force, string RequestId) Parse(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new CommandException("update: the payload must be a JSON object with url and signature");
        }

        Uri? url = null;
        var overMqtt = payload.TryGetProperty("transfer", out var transfer) && transfer.ValueKind == JsonValueKind.String && transfer.GetString() == "mqtt";
        if (!overMqtt && (!payload.TryGetProperty("url", out var urlElement) || urlElement.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(urlElement.GetString(), UriKind.Absolute, out url) || url.Scheme is not ("http" or "https")))
        {
            throw new CommandException("update: url must be an absolute http:// or https:// address of the bundle archive (or transfer must be \"mqtt\")");
        }

        if (!payload.TryGetProperty("signature", out var signatureElement) || signatureElement.ValueKind != JsonValueKind.Object)
        {
            throw new CommandException("update: signature must be the bundle's .sig document (a JSON object)");
        }

        BundleSignature signature;
        try
        {
            signature = BundleSignature.Parse(signatureElement.GetRawText(), "update.signature");
        }
        catch (Exception ex) when (ex is FormatException or JsonException or FaceAttr.Bundles.Updating.UpdateException)
        {
            throw new CommandException("bad_signature_file", $"update: {ex.Message}");
        }

        var force = payload.TryGetProperty("force", out var forceElement) && forceElement.ValueKind == JsonValueKind.True;
        var requestId = payload.TryGetProperty("request_id", out var idElement) && idElement.ValueKind == JsonValueKind.String && idElement.GetString() is { Length: > 0 and <= 64 } id
            ? id
            : Guid.NewGuid().ToString("N")[..12];
        return (url, signature, force, requestId);
    }
}

/// <summary>One piece of an archive sent over MQTT: <c>{"request_id": "…", "index": 0, "total": 66, "data": "base64…"}</c>.</summary>
/// <param name="RequestId">The update it belongs to.</param>
/// <param name="Index">0-based position.</param>
/// <param name="Total">Number of chunks.</param>
/// <param name="Data">The bytes.</param>
public sealed record UpdateChunk(string RequestId, int Index, int Total, byte[] Data)
{
    /// <summary>Reads and checks a chunk payload.</summary>
    /// <exception cref="CommandException">A field is missing or malformed.</exception>
    public static UpdateChunk Parse(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object
            || !payload.TryGetProperty("request_id", out var id) || id.ValueKind != JsonValueKind.String
            || !payload.TryGetProperty("index", out var index) || !index.TryGetInt32(out var i) || i < 0
            || !payload.TryGetProperty("total", out var total) || !total.TryGetInt32(out var t) || t < 1 || i >= t
            || !payload.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.String)
        {
            throw new CommandException("update_chunk: needs request_id, index (0 ≤ index < total), total and data (base64)");
        }

        try
        {
            return new UpdateChunk(id.GetString()!, i, t, data.GetBytesFromBase64());
        }
        catch (FormatException)
        {
            throw new CommandException("update_chunk: data is not valid base64");
        }
    }
}
