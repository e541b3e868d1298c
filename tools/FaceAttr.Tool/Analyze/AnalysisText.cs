using System.Globalization;
using FaceAttr.Core.Faces;
using FaceAttr.Vision.Analysis;

namespace FaceAttr.Tool.Analyze;

/// <summary>Short human-readable summaries of a face analysis, for annotations and the table format.</summary>
public static class AnalysisText
{
    /// <summary>Label lines: attributes, then pose/eyes/mouth, then gate reasons.</summary>
    public static List<string> Lines(FaceAnalysis face)
    {
        ArgumentNullException.ThrowIfNull(face);
        var lines = new List<string>();
        var heads = string.Join("  ", face.Attributes.Where(a => a.Head is "gender" or "age" or "expression" or "smile").Select(Short));
        lines.Add(heads.Length > 0 ? heads : $"face {face.Detection.Score:P0}");
        var parts = new List<string>();
        if (face.Pose is { } pose)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"yaw {pose.Yaw:0} pitch {pose.Pitch:0} roll {pose.Roll:0}"));
        }

        parts.AddRange(face.Attributes.Where(a => a.Head is "eye_left" or "eye_right" or "mouth").Select(Short));
        if (parts.Count > 0)
        {
            lines.Add(string.Join("  ", parts));
        }

        if (face.GateReasons.Count > 0)
        {
            lines.Add("unknown: " + string.Join(", ", face.GateReasons));
        }

        return lines;
    }

    /// <summary><c>head label p%</c>, or age in years.</summary>
    public static string Short(AttributeValue a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.UnknownReason is not null)
        {
            return $"{a.Head} ?";
        }

        return a.Head switch
        {
            "age" => string.Create(CultureInfo.InvariantCulture, $"{a.Value:0}y"),
            "gender" or "expression" => string.Create(CultureInfo.InvariantCulture, $"{a.Label} {a.Probability:P0}"),
            "eye_left" => $"L-eye {a.Label}",
            "eye_right" => $"R-eye {a.Label}",
            _ => string.Create(CultureInfo.InvariantCulture, $"{a.Head} {a.Label}"),
        };
    }
}
