namespace FaceAttr.Messaging;

/// <summary>Why a command failed: a code from <see cref="CommandErrorCodes"/> (or a handler's own) and a message for people.</summary>
public sealed record CommandError
{
    /// <summary>Machine-readable code, e.g. <see cref="CommandErrorCodes.UnknownVerb"/>.</summary>
    public required string Code { get; init; }

    /// <summary>What went wrong, for people.</summary>
    public required string Message { get; init; }
}
