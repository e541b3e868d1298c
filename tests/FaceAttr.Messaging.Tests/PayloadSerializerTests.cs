using System.Reflection;
using System.Text;
using System.Text.Json;
using FaceAttr.Core.Events;
using FaceAttr.Core.Faces;

namespace FaceAttr.Messaging.Tests;

public class PayloadSerializerTests
{
    private const string Device = "kiosk-1";

    [Fact]
    public void Event_json_is_snake_case_with_contract_strings_and_no_derived_box_members()
    {
        var json = Encoding.UTF8.GetString(PayloadSerializer.SerializeEvent(SampleEvents.Enter(Device, 7)));
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schema_version").GetInt32());
        Assert.Equal("enter", root.GetProperty("kind").GetString());
        Assert.Equal(7, root.GetProperty("track_id").GetInt64());
        Assert.Equal("2025-03-14T09:26:53.589Z", root.GetProperty("timestamp").GetString());
        Assert.Equal(["x", "y", "width", "height"], root.GetProperty("box").EnumerateObject().Select(p => p.Name));
        Assert.Equal(164f, root.GetProperty("quality").GetProperty("face_size").GetSingle());
        var age = root.GetProperty("attributes").GetProperty("age");
        Assert.Equal(34.5f, age.GetProperty("value").GetSingle());
        Assert.Equal(9, age.GetProperty("distribution").GetArrayLength());
        var eyewear = root.GetProperty("attributes").GetProperty("eyewear");
        Assert.Equal("unknown", eyewear.GetProperty("label").GetString());
        Assert.Equal("yaw 41°", eyewear.GetProperty("unknown_reason").GetString());
        Assert.False(eyewear.TryGetProperty("value", out _), "nulls are omitted");
    }

    [Fact]
    public void Every_event_kind_is_schema_valid()
    {
        SchemaValidator.AssertValid(SchemaValidator.Events, PayloadSerializer.SerializeEvent(SampleEvents.Enter(Device, 1)));
        SchemaValidator.AssertValid(SchemaValidator.Events, PayloadSerializer.SerializeEvent(SampleEvents.Update(Device, 1, ("expression", "calm"))));
        SchemaValidator.AssertValid(SchemaValidator.Events, PayloadSerializer.SerializeEvent(SampleEvents.Exit(Device, 1)));
        var bare = new TrackEvent { Kind = TrackEventKind.Exit, Device = Device, TrackId = 2, Timestamp = SampleEvents.T0, Attributes = new Dictionary<string, AttributeValue>() };
        SchemaValidator.AssertValid(SchemaValidator.Events, PayloadSerializer.SerializeEvent(bare));
    }

    [Fact]
    public void Status_stats_reply_and_update_payloads_are_schema_valid()
    {
        var status = new DeviceStatus
        {
            Device = Device,
            Timestamp = SampleEvents.T0,
            StartedAt = SampleEvents.T0.AddMinutes(-5),
            Versions = new Dictionary<string, string> { ["daemon"] = "0.1.0", ["taxonomy"] = "1" },
            Models = [new ModelInfo { Id = "blazeface-front", Role = "detector", Sha256 = new string('a', 64) }],
            Camera = new CameraStatus { State = CameraState.Unavailable, Source = "v4l2:/dev/video0", Detail = "ENODEV", Restarts = 3 },
        };
        SchemaValidator.AssertValid(SchemaValidator.Status, PayloadSerializer.SerializeStatus(status));
        SchemaValidator.AssertValid(
            SchemaValidator.Status,
            PayloadSerializer.SerializeStatus(status with { State = ConnectionState.Offline, Reason = DeviceStatus.ReasonConnectionLost }));
        Assert.Contains("\"camera_unavailable\"", Encoding.UTF8.GetString(PayloadSerializer.SerializeStatus(status)), StringComparison.Ordinal);

        var stats = new DeviceStats
        {
            Device = Device,
            Timestamp = SampleEvents.T0,
            UptimeSeconds = 300,
            FpsIn = 15,
            FpsProcessed = 14.2,
            DroppedFrames = 12,
            LatencyP50Ms = 41.5,
            LatencyP99Ms = 88,
            CpuTemperatureC = null,
            MemoryMb = 182.4,
            PeoplePresent = 2,
            Messaging = new MessagingCounters { Published = 10 },
        };
        SchemaValidator.AssertValid(SchemaValidator.Stats, PayloadSerializer.SerializeStats(stats));
        SchemaValidator.AssertValid(SchemaValidator.Stats, PayloadSerializer.SerializeStats(stats with { CpuTemperatureC = 61.3 }));

        var ok = new CommandReply
        {
            Device = Device,
            Verb = "ping",
            Ok = true,
            Timestamp = SampleEvents.T0,
            Result = JsonSerializer.SerializeToElement(new PingResult { UptimeSeconds = 3, Verbs = ["ping"] }, PayloadSerializer.Options),
        };
        SchemaValidator.AssertValid(SchemaValidator.CommandReply, PayloadSerializer.SerializeReply(ok));
        var error = new CommandReply
        {
            Device = Device,
            Verb = "no such verb",
            Ok = false,
            Timestamp = SampleEvents.T0,
            Error = new CommandError { Code = CommandErrorCodes.UnknownVerb, Message = "unknown verb" },
        };
        SchemaValidator.AssertValid(SchemaValidator.CommandReply, PayloadSerializer.SerializeReply(error));

        var update = new UpdateProgress { Device = Device, Timestamp = SampleEvents.T0, Bundle = "default-2025.03", State = UpdateState.HealthCheck, Progress = 0.5 };
        SchemaValidator.AssertValid(SchemaValidator.Update, PayloadSerializer.SerializeUpdate(update));
        Assert.Contains("\"health_check\"", Encoding.UTF8.GetString(PayloadSerializer.SerializeUpdate(update)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind":"enter","device":"k","track_id":1,"timestamp":"2025-01-01T00:00:00Z","dwell_seconds":0,"attributes":{}}""")]
    [InlineData("""{"schema_version":1,"kind":"arrive","device":"k","track_id":1,"timestamp":"2025-01-01T00:00:00Z","dwell_seconds":0,"attributes":{}}""")]
    [InlineData("""{"schema_version":1,"kind":"enter","device":"k","track_id":1,"timestamp":"yesterday","dwell_seconds":0,"attributes":{}}""")]
    [InlineData("""{"schema_version":1,"kind":"enter","device":"k","track_id":1,"timestamp":"2025-01-01T00:00:00Z","dwell_seconds":0,"attributes":{"age":{"head":"age","label":"30-39","probability":1.5}}}""")]
    [InlineData("""{"schema_version":1,"kind":"enter","device":"k","track_id":1,"timestamp":"2025-01-01T00:00:00Z","dwell_seconds":0,"attributes":{"age":{"head":"age","label":"unknown","probability":0}}}""")]
    [InlineData("""{"schema_version":1,"kind":"enter","device":"k","track_id":1,"timestamp":"2025-01-01T00:00:00Z","dwell_seconds":0,"attributes":{},"box":{"x":1,"y":2,"width":3,"height":4,"right":4}}""")]
    [InlineData("""{"schema_version":1,"kind":"enter","device":"k","track_id":1,"timestamp":"2025-01-01T00:00:00Z","dwell_seconds":0,"attributes":{},"image":"/9j/4AAQ"}""")]
    public void The_events_schema_refuses_what_breaks_the_contract(string json) =>
        SchemaValidator.AssertInvalid(SchemaValidator.Events, json);

    [Fact]
    public void The_other_schemas_refuse_what_breaks_the_contract()
    {
        SchemaValidator.AssertInvalid(SchemaValidator.Status, """{"schema_version":1,"device":"k","state":"offline","timestamp":"2025-01-01T00:00:00Z","versions":{},"models":[]}""");
        SchemaValidator.AssertInvalid(SchemaValidator.Status, """{"schema_version":1,"device":"k","state":"online","reason":"shutdown","timestamp":"2025-01-01T00:00:00Z","versions":{},"models":[]}""");
        SchemaValidator.AssertInvalid(SchemaValidator.Stats, """{"schema_version":1,"device":"k","timestamp":"2025-01-01T00:00:00Z","uptime_seconds":1,"fps_in":-1,"fps_processed":0,"dropped_frames":0,"latency_p50_ms":0,"latency_p99_ms":0,"memory_mb":0,"people_present":0}""");
        SchemaValidator.AssertInvalid(SchemaValidator.CommandReply, """{"schema_version":1,"device":"k","verb":"ping","ok":false,"timestamp":"2025-01-01T00:00:00Z"}""");
        SchemaValidator.AssertInvalid(SchemaValidator.CommandReply, """{"schema_version":1,"device":"k","verb":"ping","ok":true,"timestamp":"2025-01-01T00:00:00Z","error":{"code":"x","message":"y"}}""");
    }

    [Fact]
    public void Values_json_cannot_carry_are_refused_with_a_clear_error()
    {
        var bad = SampleEvents.Enter(Device, 1) with
        {
            Attributes = new Dictionary<string, AttributeValue> { ["smile"] = new() { Head = "smile", Label = "present", Probability = float.NaN } },
        };
        var ex = Assert.Throws<ArgumentException>(() => PayloadSerializer.SerializeEvent(bad));
        Assert.Contains("TrackEvent cannot be serialised", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_round_trip_through_the_reader()
    {
        var original = SampleEvents.Enter(Device, 42);
        Assert.True(PayloadSerializer.TryDeserializeEvent(PayloadSerializer.SerializeEvent(original), out var read, out var error), error?.Message);
        Assert.NotNull(read);
        Assert.Equal(original.Kind, read.Kind);
        Assert.Equal(original.TrackId, read.TrackId);
        Assert.Equal(original.Timestamp, read.Timestamp);
        Assert.Equal(original.Box, read.Box);
        Assert.Equal(original.Pose, read.Pose);
        Assert.Equal(original.Quality, read.Quality);
        Assert.Equal(original.Attributes.Keys.Order(), read.Attributes.Keys.Order());
        Assert.Equal(original.Attributes["age"].Distribution, read.Attributes["age"].Distribution);
        Assert.Equal("yaw 41°", read.Attributes["eyewear"].UnknownReason);
    }

    [Fact]
    public void A_newer_schema_version_is_refused_with_a_clear_error()
    {
        var json = """{"schema_version":2,"kind":"enter","device":"k","track_id":1,"timestamp":"2025-01-01T00:00:00Z","attributes":{},"new_field":true}"""u8;
        Assert.False(PayloadSerializer.TryDeserializeEvent(json, out var read, out var error));
        Assert.Null(read);
        Assert.NotNull(error);
        Assert.True(error.IsNewerSchema);
        Assert.Equal(2, error.SchemaVersion);
        Assert.Equal(1, error.SupportedSchemaVersion);
        Assert.Contains("schema_version 2, newer than 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"kind":"enter"}""")]
    [InlineData("""{"schema_version":"1"}""")]
    [InlineData("""{"schema_version":1,"kind":"enter"}""")]
    [InlineData("""{"schema_version":1,"kind":"dance","device":"k","track_id":1,"timestamp":"2025-01-01T00:00:00Z","attributes":{}}""")]
    [InlineData("""{"schema_version":0,"kind":"enter","device":"k","track_id":1,"timestamp":"2025-01-01T00:00:00Z","attributes":{}}""")]
    public void Junk_is_refused_without_throwing(string json)
    {
        Assert.False(PayloadSerializer.TryDeserializeEvent(Encoding.UTF8.GetBytes(json), out var read, out var error));
        Assert.Null(read);
        Assert.NotNull(error);
        Assert.False(error.IsNewerSchema);
    }

    [Fact]
    public void No_payload_type_has_a_field_that_could_carry_image_bytes()
    {
        Type[] roots = [typeof(TrackEvent), typeof(DeviceStatus), typeof(DeviceStats), typeof(CommandReply), typeof(UpdateProgress)];
        var seen = new HashSet<Type>();
        var offenders = new List<string>();
        foreach (var root in roots)
        {
            Walk(root, root.Name, seen, offenders);
        }

        Assert.Empty(offenders);
    }

    private static void Walk(Type type, string path, HashSet<Type> seen, List<string> offenders)
    {
        if (type.IsPrimitive || type == typeof(string) || type == typeof(DateTimeOffset) || type == typeof(decimal) || !seen.Add(type))
        {
            return;
        }

        if (type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) || type == typeof(Memory<byte>) || type == typeof(Stream)
            || type == typeof(IReadOnlyList<byte>) || type == typeof(ArraySegment<byte>))
        {
            offenders.Add(path);
            return;
        }

        var element = type.IsArray ? type.GetElementType() : null;
        foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
        {
            Walk(argument, $"{path}<{argument.Name}>", seen, offenders);
        }

        if (element is not null)
        {
            Walk(element, path + "[]", seen, offenders);
        }

        if (type.Namespace?.StartsWith("FaceAttr", StringComparison.Ordinal) == true)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                Walk(property.PropertyType, $"{path}.{property.Name}", seen, offenders);
            }
        }
    }
}
