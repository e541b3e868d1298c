namespace FaceAttr.Bundles.Updating;

/// <summary>
/// One progress report of an update, shaped for <c>faceattr/{device}/update</c> (serialize with
/// <see cref="UpdateJson.Options"/>: snake_case, stage as its string).
/// </summary>
/// <param name="RequestId">The request's id (MQTT correlation data as text), when known.</param>
/// <param name="Stage">The stage running.</param>
/// <param name="Message">What is happening, for people.</param>
/// <param name="Done">Units done (bytes while receiving, files while installing), when counted.</param>
/// <param name="Total">Units in all, when known.</param>
public sealed record UpdateProgress(string? RequestId, UpdateStage Stage, string Message, long? Done = null, long? Total = null)
{
    /// <summary>Fraction done 0..1 when both counts are known.</summary>
    public double? Fraction => Done is { } d && Total is > 0 ? Math.Clamp((double)d / Total.Value, 0, 1) : null;
}
