// The FaceAttr sample subscriber: prints who is in front of the kiosk, live.
//   dotnet run --project samples/FaceAttr.SampleSubscriber -- --host 127.0.0.1 --port 1883 --device kiosk-1
using System.Globalization;
using FaceAttr.Client;
using FaceAttr.Core.Events;
using FaceAttr.Messaging;
using FaceAttr.SampleSubscriber;

if (!SubscriberArguments.TryParse(args, out var parsed, out var error))
{
    Console.Error.WriteLine(error);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

await using var client = new FaceAttrClient(parsed!.Options);
var board = new PresenceBoard();
var options = parsed.Options;
Console.WriteLine($"following faceattr device '{options.Device}' on {options.Host}:{options.Port} (Ctrl+C to stop)");
client.Start();

if (parsed.Ping)
{
    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
    timeout.CancelAfter(TimeSpan.FromSeconds(10));
    var reply = await client.SendCommandAsync(options.Device, CommandRouter.PingVerb, null, timeout.Token);
    Console.WriteLine(reply.Ok ? $"ping: {reply.Result}" : $"ping failed: {reply.Error?.Code} {reply.Error?.Message}");
}

try
{
    await foreach (var message in client.Messages.ReadAllAsync(stop.Token))
    {
        var time = message.ReceivedAt.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        switch (message)
        {
            case TrackEventMessage { Event: var e }:
                var person = board.Apply(e);
                var who = person is null ? string.Empty : " " + PersonText.Describe(person);
                var verb = e.Kind switch
                {
                    TrackEventKind.Enter => "arrived:",
                    TrackEventKind.Update => "changed:",
                    _ => string.Create(CultureInfo.InvariantCulture, $"left after {e.DwellSeconds:F1} s"),
                };
                var present = board.People.Count(p => p.Device == e.Device);
                Console.WriteLine($"{time} {e.Device} person #{e.TrackId} {verb}{who} [{present} in front]");
                break;
            case StatusMessage { Status: var s }:
                var removed = board.Apply(s);
                var camera = s.Camera is null ? string.Empty : $", camera {Contract(s.Camera.State)}";
                var reason = s.Reason is null ? string.Empty : $" ({s.Reason})";
                Console.WriteLine($"{time} {s.Device} is {Contract(s.State)}{reason}{camera}{(removed > 0 ? $"; {removed} people cleared" : string.Empty)}");
                break;
            case StatsMessage { Stats: var st }:
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{time} {st.Device} stats: {st.FpsProcessed:F1} fps, p50 {st.LatencyP50Ms:F0} ms, {st.PeoplePresent} present"));
                break;
            case PayloadErrorMessage p:
                Console.WriteLine($"{time} {p.Device} refused a payload on {p.Topic}: {p.Reason}");
                break;
            case ConnectionMessage c:
                Console.WriteLine(c.Connected ? $"{time} connected to the broker" : $"{time} lost the broker ({c.Detail}); reconnecting");
                break;
            default:
                break;
        }
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Ctrl+C.
}

return 0;

// The contract string of an enum value ("camera_unavailable"), as the payload spells it.
static string Contract<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, PayloadSerializer.Options).Trim('"');
