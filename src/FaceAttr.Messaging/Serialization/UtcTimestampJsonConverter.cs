using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceAttr.Messaging;

/// <summary>Writes timestamps as UTC RFC 3339 with milliseconds (<c>2025-01-31T12:00:00.123Z</c>); reads any ISO 8601 offset.</summary>
internal sealed class UtcTimestampJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
