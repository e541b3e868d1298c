using System.Text.Json;
using FaceAttr.Messaging;

namespace FaceAttr.Client;

/// <summary>
/// Rolls a signed bundle out to devices over MQTT: the canary first (<see cref="RolloutOptions.CanaryPercent"/> of the
/// devices, at least one), then — only if every canary succeeded, health window included — the rest. On any failure it
/// stops, rolls back the devices it already updated (<c>cmd/rollback</c>) and leaves the others untouched. Each device
/// is followed on its own <c>update</c> topic by request id. The client must subscribe to every device's updates and
/// statuses (<see cref="FaceAttrClientOptions.Device"/> <c>+</c>, <see cref="FaceAttrClientOptions.SubscribeUpdates"/>),
/// and nothing else may read its <see cref="FaceAttrClient.Messages"/> meanwhile.
/// </summary>
public sealed class FleetRollout(FaceAttrClient client)
{
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];

    /// <summary>
    /// The online devices whose retained status lists <paramref name="group"/>, read from the statuses that arrive within
    /// <paramref name="wait"/> (retained ones arrive at once after subscribing).
    /// </summary>
    public static async Task<IReadOnlyList<string>> DiscoverGroupAsync(FaceAttrClient client, string group, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var members = new SortedDictionary<string, bool>(StringComparer.Ordinal);
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(wait);
        try
        {
            await foreach (var message in client.Messages.ReadAllAsync(window.Token).ConfigureAwait(false))
            {
                if (message is StatusMessage { Status: var status } && status.Groups.Contains(group, StringComparer.Ordinal))
                {
                    members[status.Device] = status.State == ConnectionState.Online;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The discovery window is over.
        }

        return [.. members.Where(m => m.Value).Select(m => m.Key)];
    }

    /// <summary>Runs the rollout; <paramref name="progress"/> hears every change of every device.</summary>
    public async Task<RolloutReport> RunAsync(IReadOnlyList<string> devices, RolloutOptions options, IProgress<DeviceOutcome>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (devices.Count == 0)
        {
            throw new ArgumentException("no device to update", nameof(devices));
        }

        var ordered = devices.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var canaryCount = options.CanaryPercent <= 0 ? 0 : Math.Max(1, (int)Math.Ceiling(ordered.Count * options.CanaryPercent / 100));
        var outcomes = ordered.ToDictionary(d => d, d => new DeviceOutcome(d, ordered.IndexOf(d) < canaryCount ? "canary" : "rest", "pending"), StringComparer.Ordinal);
        void Report(DeviceOutcome outcome)
        {
            outcomes[outcome.Device] = outcome;
            progress?.Report(outcome);
        }

        string? stopped = null;
        var phases = canaryCount > 0 ? new[] { ordered[..canaryCount], ordered[canaryCount..] } : [ordered];
        foreach (var phase in phases.Where(p => p.Count > 0))
        {
            await UpdateAllAsync(phase, outcomes, options, Report, cancellationToken).ConfigureAwait(false);
            var failed = phase.Where(d => outcomes[d].State != "succeeded").ToList();
            if (failed.Count > 0)
            {
                stopped = $"{string.Join(", ", failed.Select(d => $"{d} {outcomes[d].State}" + (outcomes[d].Failure is { } f ? $" ({f})" : string.Empty)))}";
                break;
            }
        }

        if (stopped is not null)
        {
            foreach (var device in ordered.Where(d => outcomes[d].State == "pending"))
            {
                Report(outcomes[device] with { State = "skipped" });
            }

            foreach (var device in ordered.Where(d => outcomes[d].State == "succeeded"))
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.DeviceTimeout);
                var reply = await client.SendCommandAsync(device, "rollback", new Dictionary<string, object?> { ["request_id"] = RequestId(device) + "-revert" },
                    timeout.Token).ConfigureAwait(false);
                Report(outcomes[device] with
                {
                    State = reply.Ok ? "reverted" : "failed",
                    Failure = reply.Ok ? null : reply.Error?.Code,
                    Message = reply.Ok ? "rolled back by the rollout" : reply.Error?.Message,
                });
            }
        }

        return new RolloutReport([.. ordered.Select(d => outcomes[d])], stopped is null, stopped is null ? null : "stopped: " + stopped);
    }

    private async Task UpdateAllAsync(List<string> devices, Dictionary<string, DeviceOutcome> outcomes, RolloutOptions options,
        Action<DeviceOutcome> report, CancellationToken cancellationToken)
    {
        foreach (var device in devices)
        {
            var payload = new Dictionary<string, object?>
            {
                ["signature"] = options.Signature,
                ["request_id"] = RequestId(device),
                ["force"] = options.Force,
            };
            payload[options.Url is null ? "transfer" : "url"] = options.Url?.ToString() ?? "mqtt";
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.DeviceTimeout);
            var reply = await client.SendCommandAsync(device, "update", payload, timeout.Token).ConfigureAwait(false);
            if (reply.Ok && options.Url is null)
            {
                reply = await SendChunksAsync(device, options, timeout.Token).ConfigureAwait(false);
            }

            report(reply.Ok
                ? outcomes[device] with { State = "accepted" }
                : outcomes[device] with { State = "refused", Failure = reply.Error?.Code, Message = reply.Error?.Message });
        }

        // Follow each accepted device on its update topic until it reaches a final state or times out.
        var waiting = devices.Where(d => outcomes[d].State == "accepted").ToHashSet(StringComparer.Ordinal);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.DeviceTimeout);
        try
        {
            while (waiting.Count > 0)
            {
                var message = await client.Messages.ReadAsync(deadline.Token).ConfigureAwait(false);
                if (message is not UpdateMessage { Update: var update } || !waiting.Contains(message.Device) || update.RequestId != RequestId(message.Device))
                {
                    continue;
                }

                var state = JsonSerializer.Serialize(update.State).Trim('"');
                var outcome = outcomes[message.Device] with { State = state, Version = update.Version, Failure = update.Failure, Message = update.Message };
                report(outcome);
                if (outcome.IsFinal)
                {
                    waiting.Remove(message.Device);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            foreach (var device in waiting)
            {
                report(outcomes[device] with { State = "timeout", Message = $"no final state within {options.DeviceTimeout.TotalSeconds:0} s" });
            }
        }
    }

    /// <summary>Sends the archive in order, one request/response per chunk (the device's reply paces the sender); the last reply or the first error.</summary>
    private async Task<CommandReply> SendChunksAsync(string device, RolloutOptions options, CancellationToken cancellationToken)
    {
        var total = (int)((options.Archive.Length + options.ChunkBytes - 1) / options.ChunkBytes);
        CommandReply? reply = null;
        for (var index = 0; index < total; index++)
        {
            var chunk = options.Archive.Slice(index * options.ChunkBytes, Math.Min(options.ChunkBytes, options.Archive.Length - (index * options.ChunkBytes)));
            var payload = new Dictionary<string, object?>
            {
                ["request_id"] = RequestId(device),
                ["index"] = index,
                ["total"] = total,
                ["data"] = Convert.ToBase64String(chunk.Span),
            };
            reply = await client.SendCommandAsync(device, "update_chunk", payload, cancellationToken).ConfigureAwait(false);
            if (!reply.Ok)
            {
                return reply;
            }
        }

        return reply!;
    }

    private string RequestId(string device) => $"deploy-{_runId}-{device}";
}
