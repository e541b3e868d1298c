using System.Text.Json;

namespace FaceAttr.Messaging;

/// <summary>
/// Handles one command verb. <paramref name="payload"/> is the request's JSON object (<c>{}</c> for an empty payload);
/// the returned object becomes the reply's <c>result</c> (serialised snake_case; null for none). Throw
/// <see cref="CommandException"/> to answer with a specific error; honour <paramref name="cancellationToken"/>, which
/// fires at the command timeout and at shutdown.
/// </summary>
public delegate ValueTask<object?> CommandHandler(JsonElement payload, CancellationToken cancellationToken);
