using System.Text.Json;
using FaceAttr.Bundles.Signing;
using FaceAttr.Messaging;

namespace FaceAttr.Daemon;

/// <summary>
/// The payload of <c>cmd/update</c>: <c>{"url": "https://…/bundle.tar.gz", "signature": {…the .sig document…},
/// "force": false, "request_id": "…"}</c>. Anything else is refused with <c>invalid_payload</c> naming the field.
/// </summary>
public static class UpdateCommand
{
    /// <summary>Reads and checks the payload.</summary>
    /// <exception cref="CommandException">A field is missing or malformed.</exception>
    public static (Uri Url, BundleSignature Signature, bool Force, string RequestId) Parse(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new CommandException("update: the payload must be a JSON object with url and signature");
        }

        if (!payload.TryGetProperty("url", out var urlElement) || urlElement.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(urlElement.GetString(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new CommandException("update: url must be an absolute http:// or https:// address of the bundle archive");
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

/// <summary>The immediate reply to <c>update</c> and <c>rollback</c>; the outcome follows on the update topic.</summary>
/// <param name="RequestId">Echoed in every progress message of this update.</param>
/// <param name="Bundle">Bundle name.</param>
/// <param name="Version">Version being installed (rollback: the one running again).</param>
/// <param name="PreviousVersion">Version running before.</param>
public sealed record UpdateAccepted(string? RequestId, string Bundle, string Version, string? PreviousVersion);
