using System.Text.Json;
using System.Text.Json.Serialization;
using FaceAttr.Core.Imaging;

namespace FaceAttr.Messaging;

/// <summary>
/// Writes a <see cref="BoxF"/> as <c>{"x":…,"y":…,"width":…,"height":…}</c>, without the derived members (right, area, …)
/// that default serialisation would add, and reads the same shape back.
/// </summary>
internal sealed class BoxFJsonConverter : JsonConverter<BoxF>
{
    public override BoxF Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("box must be an object with x, y, width and height");
        }

        float x = 0, y = 0, width = 0, height = 0;
        var seen = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                throw new JsonException("box must be an object with x, y, width and height");
            }

            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "x": x = reader.GetSingle(); seen |= 1; break;
                case "y": y = reader.GetSingle(); seen |= 2; break;
                case "width": width = reader.GetSingle(); seen |= 4; break;
                case "height": height = reader.GetSingle(); seen |= 8; break;
                default: reader.Skip(); break;
            }
        }

        if (seen != 15)
        {
            throw new JsonException("box needs x, y, width and height");
        }

        return new BoxF(x, y, width, height);
    }

    public override void Write(Utf8JsonWriter writer, BoxF value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("x", value.X);
        writer.WriteNumber("y", value.Y);
        writer.WriteNumber("width", value.Width);
        writer.WriteNumber("height", value.Height);
        writer.WriteEndObject();
    }
}
