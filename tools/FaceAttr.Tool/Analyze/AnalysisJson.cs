using System.Text.Json;
using FaceAttr.Core.Faces;
using FaceAttr.Vision.Analysis;

namespace FaceAttr.Tool.Analyze;

/// <summary>Writes one JSON object per face (one line each) for <c>faceattr analyze --format json</c>.</summary>
public static class AnalysisJson
{
    /// <summary>Serialises <paramref name="face"/> as a single-line JSON object.</summary>
    public static string Line(string file, int index, FaceAnalysis face, bool withLandmarks)
    {
        ArgumentNullException.ThrowIfNull(face);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("file", file);
            w.WriteNumber("face", index);
            var box = face.Detection.Box;
            w.WriteStartObject("box");
            w.WriteNumber("x", Round(box.X));
            w.WriteNumber("y", Round(box.Y));
            w.WriteNumber("width", Round(box.Width));
            w.WriteNumber("height", Round(box.Height));
            w.WriteEndObject();
            w.WriteNumber("score", Round(face.Detection.Score, 3));
            if (face.Pose is { } pose)
            {
                w.WriteStartObject("pose");
                w.WriteNumber("yaw", Round(pose.Yaw));
                w.WriteNumber("pitch", Round(pose.Pitch));
                w.WriteNumber("roll", Round(pose.Roll));
                w.WriteEndObject();
            }

            w.WriteStartObject("quality");
            w.WriteNumber("face_size", Round(face.Quality.FaceSize));
            w.WriteNumber("sharpness", Round(face.Quality.Sharpness));
            w.WriteNumber("brightness", Round(face.Quality.Brightness));
            w.WriteEndObject();
            WriteGroup(w, "eyes", face, ["eye_left", "eye_right"], ["left", "right"]);
            WriteGroup(w, "mouth", face, ["mouth"], null);
            w.WriteStartObject("attributes");
            foreach (var a in face.Attributes.Where(a => a.Head is not ("eye_left" or "eye_right" or "mouth")))
            {
                w.WritePropertyName(a.Head);
                WriteValue(w, a);
            }

            w.WriteEndObject();
            if (withLandmarks && face.Landmarks is { } mesh)
            {
                w.WriteStartArray("landmarks");
                foreach (var p in mesh)
                {
                    w.WriteStartArray();
                    w.WriteNumberValue(Round(p.X));
                    w.WriteNumberValue(Round(p.Y));
                    w.WriteNumberValue(Round(p.Z));
                    w.WriteEndArray();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteGroup(Utf8JsonWriter w, string name, FaceAnalysis face, string[] heads, string[]? keys)
    {
        var values = heads.Select(face.Attribute).ToArray();
        if (values.All(v => v is null))
        {
            return;
        }

        w.WritePropertyName(name);
        if (keys is null)
        {
            WriteValue(w, values[0]!);
            return;
        }

        w.WriteStartObject();
        for (var i = 0; i < heads.Length; i++)
        {
            if (values[i] is { } v)
            {
                w.WritePropertyName(keys[i]);
                WriteValue(w, v);
            }
        }

        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, AttributeValue a)
    {
        w.WriteStartObject();
        w.WriteString("label", a.Label);
        if (a.UnknownReason is { } reason)
        {
            w.WriteString("reason", reason);
        }
        else
        {
            w.WriteNumber("probability", Round(a.Probability, 3));
        }

        if (a.Value is { } value)
        {
            w.WriteNumber("value", Round(value, 2));
        }

        if (a.Interval is { } interval)
        {
            w.WriteNumber("interval", Round(interval, 2));
        }

        if (a.Model is { } model)
        {
            w.WriteString("model", model);
        }

        w.WriteEndObject();
    }

    private static double Round(float v, int digits = 1) => Math.Round(v, digits);
}
