namespace FaceAttr.Messaging;

/// <summary>
/// The topics of one device (DESIGN.md, "MQTT contract"):
/// <code>
/// {prefix}/{device}/status          retained; online/offline (last will), versions, model hashes, camera state
/// {prefix}/{device}/events          enter | update | exit per track
/// {prefix}/{device}/stats           heartbeat
/// {prefix}/{device}/cmd/{verb}      requests (MQTT 5 response topic + correlation data)
/// {prefix}/{device}/update          model update progress and result
/// {prefix}/fleet/{group}/cmd/{verb} the same verbs for a group of devices
/// </code>
/// A subscriber may pass <c>+</c> as the device to build filters over every device (<see cref="Events"/> etc.).
/// </summary>
public sealed class TopicLayout
{
    /// <summary>The level that replaces the device id in fleet topics; no device may be named so.</summary>
    public const string FleetLevel = "fleet";

    /// <summary>The single-level wildcard, accepted as the device of a subscriber's layout.</summary>
    public const string AnyDevice = "+";

    private readonly string _deviceRoot;

    /// <summary>Creates the layout for <paramref name="device"/> under <paramref name="prefix"/>.</summary>
    /// <param name="prefix">Topic prefix, see <see cref="MqttOptions.TopicPrefix"/>.</param>
    /// <param name="device">Device id, see <see cref="MqttOptions.DeviceId"/>, or <see cref="AnyDevice"/> for subscription filters.</param>
    /// <exception cref="ArgumentException">The prefix or the device breaks the naming rules of <see cref="TopicNames"/>.</exception>
    public TopicLayout(string prefix, string device)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(device);
        if (!TopicNames.IsValidPrefix(prefix))
        {
            throw new ArgumentException($"Topic prefix '{prefix}' must be '/'-separated levels of A–Z, a–z, 0–9, '-' or '_'", nameof(prefix));
        }

        if (device != AnyDevice && (!TopicNames.IsValidId(device) || device == FleetLevel))
        {
            throw new ArgumentException($"Device id '{device}' must be 1–64 characters of A–Z, a–z, 0–9, '-' or '_' (and not '{FleetLevel}')", nameof(device));
        }

        Prefix = prefix;
        Device = device;
        _deviceRoot = prefix + "/" + device;
        Status = _deviceRoot + "/status";
        Events = _deviceRoot + "/events";
        Stats = _deviceRoot + "/stats";
        Update = _deviceRoot + "/update";
        CommandFilter = _deviceRoot + "/cmd/+";
    }

    /// <summary>Creates the layout of a validated options object.</summary>
    public static TopicLayout For(MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new TopicLayout(options.TopicPrefix, options.DeviceId);
    }

    /// <summary>Topic prefix.</summary>
    public string Prefix { get; }

    /// <summary>Device id (or <see cref="AnyDevice"/>).</summary>
    public string Device { get; }

    /// <summary><c>{prefix}/{device}/status</c>: retained status and last will.</summary>
    public string Status { get; }

    /// <summary><c>{prefix}/{device}/events</c>: track events.</summary>
    public string Events { get; }

    /// <summary><c>{prefix}/{device}/stats</c>: heartbeat.</summary>
    public string Stats { get; }

    /// <summary><c>{prefix}/{device}/update</c>: model update progress and result.</summary>
    public string Update { get; }

    /// <summary><c>{prefix}/{device}/cmd/+</c>: every verb addressed to this device.</summary>
    public string CommandFilter { get; }

    /// <summary><c>{prefix}/{device}/cmd/{verb}</c>.</summary>
    /// <exception cref="ArgumentException">The verb breaks <see cref="TopicNames.IsValidVerb"/>.</exception>
    public string Command(string verb) => _deviceRoot + "/cmd/" + CheckVerb(verb);

    /// <summary>
    /// <c>{prefix}/{device}/cmd/{verb}/reply</c>: where replies go when a request carries no MQTT 5 response topic
    /// (an MQTT 3.1.1 requester). Not matched by <see cref="CommandFilter"/>.
    /// </summary>
    public string CommandReplyFallback(string verb) => Command(verb) + "/reply";

    /// <summary><c>{prefix}/fleet/{group}/cmd/+</c>: every verb addressed to a fleet group.</summary>
    /// <exception cref="ArgumentException">The group breaks <see cref="TopicNames.IsValidId"/>.</exception>
    public string FleetCommandFilter(string group) => FleetRoot(group) + "/cmd/+";

    /// <summary><c>{prefix}/fleet/{group}/cmd/{verb}</c>.</summary>
    public string FleetCommand(string group, string verb) => FleetRoot(group) + "/cmd/" + CheckVerb(verb);

    /// <summary>
    /// Reads an incoming command topic: <c>{prefix}/{device}/cmd/{verb}</c> of this device or
    /// <c>{prefix}/fleet/{group}/cmd/{verb}</c> of any group. The verb is returned as sent (it may still be invalid; the
    /// command router answers that). False for any other topic.
    /// </summary>
    /// <param name="topic">The topic a message arrived on.</param>
    /// <param name="verb">The last level, when the topic is a command topic.</param>
    /// <param name="group">The fleet group, or null for a device command.</param>
    public bool TryParseCommand(string topic, out string verb, out string? group)
    {
        ArgumentNullException.ThrowIfNull(topic);
        verb = string.Empty;
        group = null;
        var devicePrefix = _deviceRoot + "/cmd/";
        if (topic.StartsWith(devicePrefix, StringComparison.Ordinal))
        {
            verb = topic[devicePrefix.Length..];
            return verb.Length > 0 && !verb.Contains('/');
        }

        var fleetPrefix = Prefix + "/" + FleetLevel + "/";
        if (!topic.StartsWith(fleetPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic[fleetPrefix.Length..].Split('/');
        if (rest.Length != 3 || rest[1] != "cmd" || rest[0].Length == 0 || rest[2].Length == 0)
        {
            return false;
        }

        group = rest[0];
        verb = rest[2];
        return true;
    }

    private string FleetRoot(string group)
    {
        if (!TopicNames.IsValidId(group))
        {
            throw new ArgumentException($"Fleet group '{group}' must be 1–64 characters of A–Z, a–z, 0–9, '-' or '_'", nameof(group));
        }

        return Prefix + "/" + FleetLevel + "/" + group;
    }

    private static string CheckVerb(string verb)
    {
        if (!TopicNames.IsValidVerb(verb))
        {
            throw new ArgumentException($"Command verb '{verb}' must be 1–32 characters of a–z, 0–9, '-' or '_', starting with a letter", nameof(verb));
        }

        return verb;
    }
}
