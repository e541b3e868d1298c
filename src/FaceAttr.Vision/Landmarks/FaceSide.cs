namespace FaceAttr.Vision.Landmarks;

/// <summary>A side of the face, as the subject sees it (their right eye is on the image's left in a frontal face).</summary>
public enum FaceSide
{
    /// <summary>The subject's right.</summary>
    Right,

    /// <summary>The subject's left.</summary>
    Left,
}
