namespace FaceAttr.Messaging;

/// <summary>The immediate reply to <c>update</c> and <c>rollback</c>; the outcome follows on the update topic.</summary>
/// <param name="RequestId">Echoed in every progress message of this update.</param>
/// <param name="Bundle">Bundle name.</param>
/// <param name="Version">Version being installed (rollback: the one running again).</param>
/// <param name="PreviousVersion">Version running before.</param>
public sealed record UpdateAccepted(string? RequestId, string Bundle, string Version, string? PreviousVersion);

/// <summary>The reply to one chunk: how far the transfer is.</summary>
/// <param name="Received">Chunks received in order so far.</param>
/// <param name="Total">Chunks announced.</param>
/// <param name="Complete">True after the last chunk: the update goes on as for a download.</param>
public sealed record ChunkReceipt(int Received, int Total, bool Complete);
