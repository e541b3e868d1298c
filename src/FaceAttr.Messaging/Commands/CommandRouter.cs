using System.Collections.Concurrent;
using System.Text.Json;

namespace FaceAttr.Messaging;

/// <summary>
/// Maps command verbs to handlers and turns any request — junk included — into a <see cref="CommandReply"/>: unknown
/// verbs, invalid JSON, a payload that is not an object, a handler that throws or runs out of time all become error
/// replies with a log line; no exception leaves <see cref="HandleAsync"/>. The verb <c>ping</c> is built in.
/// Transport-free: <see cref="MqttPublisher"/> feeds it from the command topics.
/// </summary>
public sealed class CommandRouter
{
    /// <summary>The built-in verb that answers <see cref="PingResult"/>.</summary>
    public const string PingVerb = "ping";

    /// <summary>Largest request payload accepted, bytes.</summary>
    public const int MaxPayloadBytes = 64 * 1024;

    private const int MaxVerbEcho = 64;

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private readonly ConcurrentDictionary<string, CommandHandler> _handlers = new(StringComparer.Ordinal);
    private readonly IMessagingLog _log;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _created;

    /// <summary>Creates a router that answers as <paramref name="device"/>.</summary>
    /// <param name="device">Device id put into every reply.</param>
    /// <param name="log">Where junk and handler failures are logged; null discards.</param>
    /// <param name="timeProvider">Clock of the reply timestamps; null for the system clock.</param>
    public CommandRouter(string device, IMessagingLog? log = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(device);
        Device = device;
        _log = log ?? NullMessagingLog.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _created = _time.GetUtcNow();
        _handlers[PingVerb] = PingAsync;
    }

    /// <summary>Device id of the replies.</summary>
    public string Device { get; }

    /// <summary>Registered verbs, sorted.</summary>
    public IReadOnlyList<string> Verbs => [.. _handlers.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Registers the handler of <paramref name="verb"/>.</summary>
    /// <exception cref="ArgumentException">The verb breaks <see cref="TopicNames.IsValidVerb"/>.</exception>
    /// <exception cref="InvalidOperationException">The verb already has a handler.</exception>
    public void Register(string verb, CommandHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (!TopicNames.IsValidVerb(verb))
        {
            throw new ArgumentException($"Command verb '{verb}' must be 1–32 characters of a–z, 0–9, '-' or '_', starting with a letter", nameof(verb));
        }

        if (!_handlers.TryAdd(verb, handler))
        {
            throw new InvalidOperationException($"Command verb '{verb}' already has a handler");
        }
    }

    /// <summary>Removes the handler of <paramref name="verb"/>; false when there was none. <c>ping</c> cannot be removed.</summary>
    public bool Unregister(string verb) => verb != PingVerb && _handlers.TryRemove(verb, out _);

    /// <summary>Runs the request and returns its reply; never throws (cancellation becomes a <c>timeout</c> error).</summary>
    /// <param name="verb">The verb as it arrived (the last topic level); it may be junk.</param>
    /// <param name="payload">The request payload as it arrived; empty means <c>{}</c>.</param>
    /// <param name="cancellationToken">Fires at the command timeout or at shutdown.</param>
    public async Task<CommandReply> HandleAsync(string verb, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        verb ??= string.Empty;
        var echo = verb.Length > MaxVerbEcho ? verb[..MaxVerbEcho] : verb;
        if (!TopicNames.IsValidVerb(verb) || !_handlers.TryGetValue(verb, out var handler))
        {
            return Fail(echo, CommandErrorCodes.UnknownVerb, $"unknown verb '{echo}'; this device answers: {string.Join(", ", Verbs)}");
        }

        if (payload.Length > MaxPayloadBytes)
        {
            return Fail(echo, CommandErrorCodes.InvalidPayload, $"payload of {payload.Length} bytes exceeds the limit of {MaxPayloadBytes}");
        }

        if (!TryParse(payload, out var argument, out var parseError))
        {
            return Fail(echo, CommandErrorCodes.InvalidJson, $"payload is not valid UTF-8 JSON: {parseError}");
        }

        if (argument.ValueKind != JsonValueKind.Object)
        {
            return Fail(echo, CommandErrorCodes.InvalidPayload, $"payload must be a JSON object, not {argument.ValueKind.ToString().ToLowerInvariant()}");
        }

        try
        {
            var result = await handler(argument, cancellationToken).ConfigureAwait(false);
            JsonElement? element = result is null ? null : JsonSerializer.SerializeToElement(result, PayloadSerializer.Options.GetTypeInfo(result.GetType()));
            _log.Log(MessagingLogLevel.Debug, $"command '{verb}' answered");
            return new CommandReply { Device = Device, Verb = echo, Ok = true, Timestamp = _time.GetUtcNow(), Result = element };
        }
        catch (CommandException ex)
        {
            return Fail(echo, ex.Code, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Fail(echo, CommandErrorCodes.Timeout, $"'{verb}' did not finish in time (command timeout or shutdown)");
        }
        catch (JsonException ex)
        {
            return Fail(echo, CommandErrorCodes.InvalidPayload, $"payload does not fit '{verb}': {ex.Message}");
        }
#pragma warning disable CA1031 // A handler's failure must become an error reply, whatever it is.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _log.Log(MessagingLogLevel.Error, $"command handler '{verb}' failed: {ex.Message}", ex);
            return Fail(echo, CommandErrorCodes.HandlerFailed, $"'{verb}' failed: {ex.Message}", logged: true);
        }
    }

    /// <summary>An error reply of this device (for errors found before a handler runs, e.g. busy).</summary>
    public CommandReply ErrorReply(string verb, string code, string message)
    {
        verb ??= string.Empty;
        return Fail(verb.Length > MaxVerbEcho ? verb[..MaxVerbEcho] : verb, code, message);
    }

    private CommandReply Fail(string verb, string code, string message, bool logged = false)
    {
        if (!logged)
        {
            _log.Log(MessagingLogLevel.Warning, $"command '{verb}' refused: {code}: {message}");
        }

        return new CommandReply
        {
            Device = Device,
            Verb = verb,
            Ok = false,
            Timestamp = _time.GetUtcNow(),
            Error = new CommandError { Code = code, Message = message },
        };
    }

    private static bool TryParse(ReadOnlyMemory<byte> payload, out JsonElement element, out string? error)
    {
        error = null;
        var span = payload.Span;
        if (span.Trim(" \t\r\n"u8).IsEmpty)
        {
            element = EmptyObject;
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 32 });
            element = document.RootElement.Clone();
            return true;
        }
        catch (JsonException ex)
        {
            element = default;
            error = ex.Message;
            return false;
        }
        catch (ArgumentException ex)
        {
            // Invalid UTF-8 surfaces as ArgumentException from some reader paths.
            element = default;
            error = ex.Message;
            return false;
        }
    }

    private ValueTask<object?> PingAsync(JsonElement payload, CancellationToken cancellationToken) =>
        ValueTask.FromResult<object?>(new PingResult
        {
            UptimeSeconds = Math.Round((_time.GetUtcNow() - _created).TotalSeconds, 3),
            Verbs = Verbs,
        });
}
