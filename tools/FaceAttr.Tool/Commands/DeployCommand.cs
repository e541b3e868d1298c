using System.CommandLine;
using System.Text.Json;
using FaceAttr.Bundles.Signing;
using FaceAttr.Client;
using FaceAttr.Tool.Deploy;
using Spectre.Console;

namespace FaceAttr.Tool.Commands;

/// <summary>
/// <c>faceattr deploy</c>: rolls a signed bundle out to devices over MQTT — canary first, the rest only when the canary is
/// healthy, stop and roll back on failure — with a live table while it waits and a summary at the end.
/// </summary>
public static class DeployCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var bundle = new Option<FileInfo>("--bundle") { Description = "Signed bundle archive (.tar.gz; its signature is ARCHIVE.sig)", Required = true };
        var devices = new Option<string[]>("--device") { Description = "Device id (repeatable)", AllowMultipleArgumentsPerToken = true };
        var group = new Option<string?>("--group") { Description = "Fleet group: every online device whose status lists it" };
        var canary = new Option<double>("--canary") { Description = "Percent of devices updated first", DefaultValueFactory = _ => 10 };
        var url = new Option<string?>("--url") { Description = "Where the devices download the archive (already uploaded there)" };
        var serve = new Option<string?>("--serve") { Description = "Serve the archive from this machine, e.g. http://10.0.0.5:8088/ (must be reachable from the devices)" };
        var viaMqtt = new Option<bool>("--via-mqtt") { Description = "Send the archive in chunks over MQTT (sites with only a broker)" };
        var host = new Option<string>("--broker") { Description = "MQTT broker host", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "MQTT broker port", DefaultValueFactory = _ => 1883 };
        var timeout = new Option<double>("--timeout") { Description = "Seconds one device may take (download, checks, health window)", DefaultValueFactory = _ => 600 };
        var force = new Option<bool>("--force") { Description = "Allow a downgrade" };
        var command = new Command("deploy", "Roll a signed bundle out to devices: canary first, stop and roll back on failure")
        {
            bundle, devices, group, canary, url, serve, viaMqtt, host, port, timeout, force,
        };
        command.SetAction((parse, ct) => RunAsync(new DeployRequest(
            parse.GetValue(bundle)!, parse.GetValue(devices) ?? [], parse.GetValue(group), parse.GetValue(canary), parse.GetValue(url), parse.GetValue(serve), parse.GetValue(viaMqtt),
            parse.GetValue(host)!, parse.GetValue(port), TimeSpan.FromSeconds(parse.GetValue(timeout)), parse.GetValue(force)), ct));
        return command;
    }

    private sealed record DeployRequest(FileInfo Bundle, string[] Devices, string? Group, double Canary, string? Url, string? Serve, bool ViaMqtt, string Broker, int Port, TimeSpan Timeout, bool Force);

    private static async Task<int> RunAsync(DeployRequest request, CancellationToken cancellationToken)
    {
        if ((request.Devices.Length > 0) == (request.Group is not null) || new[] { request.Url is not null, request.Serve is not null, request.ViaMqtt }.Count(x => x) != 1)
        {
            Console.Error.WriteLine("faceattr deploy: give either --device … or --group, and one of --url, --serve or --via-mqtt");
            return 2;
        }

        Uri? url = null;
        Uri? serveAt = null;
        if ((request.Url is not null && !TryHttpUrl(request.Url, out url)) || (request.Serve is not null && !TryHttpUrl(request.Serve, out serveAt)))
        {
            Console.Error.WriteLine("faceattr deploy: --url and --serve take an absolute http:// or https:// address");
            return 2;
        }

        BundleSignature signature;
        try
        {
            signature = BundleSignature.Load(BundleSignature.PathFor(request.Bundle.FullName));
        }
        catch (Exception ex) when (ex is IOException or FaceAttr.Bundles.Updating.UpdateException)
        {
            Console.Error.WriteLine($"faceattr deploy: {ex.Message}");
            return 2;
        }

        if (!request.Bundle.Exists)
        {
            Console.Error.WriteLine($"faceattr deploy: {request.Bundle.FullName} does not exist");
            return 2;
        }

        using var server = serveAt is null ? null : new ArchiveServer(serveAt, request.Bundle.FullName);
        var options = new RolloutOptions
        {
            Url = server?.Url ?? url,
            Archive = request.ViaMqtt ? await File.ReadAllBytesAsync(request.Bundle.FullName, cancellationToken).ConfigureAwait(false) : ReadOnlyMemory<byte>.Empty,
            Signature = JsonDocument.Parse(signature.ToJson()).RootElement,
            CanaryPercent = request.Canary,
            DeviceTimeout = request.Timeout,
            Force = request.Force,
        };

        await using var client = new FaceAttrClient(new FaceAttrClientOptions
        {
            Host = request.Broker, Port = request.Port, SubscribeUpdates = true, ClientId = "faceattr-deploy-" + Environment.ProcessId,
        });
        client.Start();
        await client.WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
        var targets = request.Group is { } g
            ? await FleetRollout.DiscoverGroupAsync(client, g, TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false)
            : request.Devices;
        if (targets.Count == 0)
        {
            Console.Error.WriteLine($"faceattr deploy: no online device in group {request.Group}");
            return 2;
        }

        AnsiConsole.MarkupLine($"deploying [bold]{Markup.Escape(signature.Bundle)} {Markup.Escape(signature.Version)}[/] to {targets.Count} device(s), canary {request.Canary:0.#}% from {Markup.Escape(options.Url?.ToString() ?? "MQTT chunks")}");
        var rollout = new FleetRollout(client);
        var latest = new Dictionary<string, DeviceOutcome>(StringComparer.Ordinal);
        var table = OutcomeTable(targets.Select(d => new DeviceOutcome(d, "", "pending")));
        RolloutReport report = null!;
        await AnsiConsole.Live(table).StartAsync(async live =>
        {
            var progress = new Progress<DeviceOutcome>(o =>
            {
                lock (latest)
                {
                    latest[o.Device] = o;
                    live.UpdateTarget(OutcomeTable(targets.Select(d => latest.GetValueOrDefault(d) ?? new DeviceOutcome(d, "", "pending"))));
                    live.Refresh();
                }
            });
            report = await rollout.RunAsync(targets, options, progress, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);

        AnsiConsole.Write(OutcomeTable(report.Outcomes));
        AnsiConsole.MarkupLine(report.Completed
            ? $"[green]rollout complete[/]: {report.Outcomes.Count} device(s) on {Markup.Escape(signature.Version)}"
            : $"[red]rollout {Markup.Escape(report.StoppedReason ?? "stopped")}[/]");
        return report.Completed ? 0 : 1;
    }

    private static bool TryHttpUrl(string text, out Uri? url) =>
        Uri.TryCreate(text, UriKind.Absolute, out url) && url.Scheme is "http" or "https";

    private static Table OutcomeTable(IEnumerable<DeviceOutcome> outcomes)
    {
        var table = new Table().AddColumns("device", "phase", "state", "version", "failure", "message");
        foreach (var o in outcomes)
        {
            var colour = o.State switch { "succeeded" => "green", "pending" or "accepted" => "grey", "skipped" => "yellow", _ when o.IsFinal => "red", _ => "blue" };
            table.AddRow(Markup.Escape(o.Device), o.Phase, $"[{colour}]{Markup.Escape(o.State)}[/]", Markup.Escape(o.Version ?? ""), Markup.Escape(o.Failure ?? ""), Markup.Escape(o.Message ?? ""));
        }

        return table;
    }
}
