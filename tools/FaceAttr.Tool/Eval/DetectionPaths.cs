namespace FaceAttr.Tool.Eval;

/// <summary>
/// How the face of an evaluation image was found. The sets are tight pre-cropped faces, so the image is first padded
/// to give the detector context, and the whole image is tried when the padded one yields nothing.
/// </summary>
public static class DetectionPaths
{
    /// <summary>Found on the padded image.</summary>
    public const string Padded = "padded";

    /// <summary>Found only on the whole, unpadded image.</summary>
    public const string WholeImage = "whole-image";

    /// <summary>No face on any path.</summary>
    public const string NotFound = "not-found";
}
