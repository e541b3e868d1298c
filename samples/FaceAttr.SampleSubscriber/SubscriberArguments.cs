using FaceAttr.Client;

namespace FaceAttr.SampleSubscriber;

/// <summary>The command line: <c>--host H --port N --device D [--prefix P] [--stats] [--ping]</c>.</summary>
internal sealed record SubscriberArguments(FaceAttrClientOptions Options, bool Ping)
{
    public const string Usage =
        "usage: faceattr-subscriber [--host 127.0.0.1] [--port 1883] [--device kiosk-1|+] [--prefix faceattr] [--stats] [--ping]";

    /// <summary>Parses the arguments; false with a message for people when they are wrong.</summary>
    public static bool TryParse(string[] args, out SubscriberArguments? parsed, out string? error)
    {
        var options = new FaceAttrClientOptions { ReconnectMinSeconds = 0.5, ReconnectMaxSeconds = 10 };
        var ping = false;
        parsed = null;
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--host": options.Host = Value(); break;
                    case "--port": options.Port = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
                    case "--device": options.Device = Value(); break;
                    case "--prefix": options.TopicPrefix = Value(); break;
                    case "--stats": options.SubscribeStats = true; break;
                    case "--ping": ping = true; break;
                    case "-h" or "--help": error = Usage; return false;
                    default: error = $"unknown argument '{args[i]}'\n{Usage}"; return false;
                }
            }
            catch (FormatException ex)
            {
                error = $"{ex.Message}\n{Usage}";
                return false;
            }
        }

        try
        {
            options.Validate();
        }
        catch (FaceAttr.Messaging.MqttOptionsException ex)
        {
            error = ex.Message;
            return false;
        }

        if (ping && options.Device == "+")
        {
            error = "--ping needs one --device";
            return false;
        }

        parsed = new SubscriberArguments(options, ping);
        return true;
    }
}
