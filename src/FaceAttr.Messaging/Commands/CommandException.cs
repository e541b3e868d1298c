namespace FaceAttr.Messaging;

/// <summary>
/// Thrown by a command handler to answer with a specific error code and message (e.g. <see cref="CommandErrorCodes.InvalidPayload"/>
/// when a field is missing). Any other exception from a handler is answered with <see cref="CommandErrorCodes.HandlerFailed"/>.
/// </summary>
public sealed class CommandException : Exception
{
    /// <summary>Creates the exception with <see cref="CommandErrorCodes.HandlerFailed"/>.</summary>
    public CommandException()
        : this(CommandErrorCodes.HandlerFailed, "command failed")
    {
    }

    /// <summary>Creates the exception with <see cref="CommandErrorCodes.InvalidPayload"/> and a message.</summary>
    public CommandException(string message)
        : this(CommandErrorCodes.InvalidPayload, message)
    {
    }

    /// <summary>Creates the exception with <see cref="CommandErrorCodes.HandlerFailed"/>, a message and its cause.</summary>
    public CommandException(string message, Exception inner)
        : base(message, inner)
    {
        Code = CommandErrorCodes.HandlerFailed;
    }

    /// <summary>Creates the exception with an error code and a message.</summary>
    /// <param name="code">Machine-readable code: one of <see cref="CommandErrorCodes"/> or the verb's own (a–z, 0–9, '_').</param>
    /// <param name="message">What went wrong, for people.</param>
    public CommandException(string code, string message)
        : base(message)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        Code = code;
    }

    /// <summary>The error code of the reply.</summary>
    public string Code { get; }
}
