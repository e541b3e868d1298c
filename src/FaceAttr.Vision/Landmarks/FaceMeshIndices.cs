namespace FaceAttr.Vision.Landmarks;

/// <summary>
/// Indices into the 468 points of MediaPipe's canonical face mesh topology that the geometry uses.
/// "Right" and "left" are the subject's: the right eye is on the image's left in a frontal face.
/// Checked by eye on fitted real faces (tests/FaceAttr.Vision.Tests/Landmarks, <c>MeshIndicesSitWhereTheirNamesSay</c>).
/// </summary>
public static class FaceMeshIndices
{
    /// <summary>Number of points in the mesh.</summary>
    public const int Count = 468;

    /// <summary>Right eye, outer corner (towards the ear).</summary>
    public const int RightEyeOuter = 33;

    /// <summary>Right eye, inner corner (towards the nose).</summary>
    public const int RightEyeInner = 133;

    /// <summary>Right eye, upper lid, outer third (above <see cref="RightEyeLowerOuter"/>).</summary>
    public const int RightEyeUpperOuter = 160;

    /// <summary>Right eye, upper lid, inner third (above <see cref="RightEyeLowerInner"/>).</summary>
    public const int RightEyeUpperInner = 158;

    /// <summary>Right eye, lower lid, outer third.</summary>
    public const int RightEyeLowerOuter = 144;

    /// <summary>Right eye, lower lid, inner third.</summary>
    public const int RightEyeLowerInner = 153;

    /// <summary>Left eye, outer corner.</summary>
    public const int LeftEyeOuter = 263;

    /// <summary>Left eye, inner corner.</summary>
    public const int LeftEyeInner = 362;

    /// <summary>Left eye, upper lid, outer third (above <see cref="LeftEyeLowerOuter"/>).</summary>
    public const int LeftEyeUpperOuter = 387;

    /// <summary>Left eye, upper lid, inner third (above <see cref="LeftEyeLowerInner"/>).</summary>
    public const int LeftEyeUpperInner = 385;

    /// <summary>Left eye, lower lid, outer third.</summary>
    public const int LeftEyeLowerOuter = 373;

    /// <summary>Left eye, lower lid, inner third.</summary>
    public const int LeftEyeLowerInner = 380;

    /// <summary>Centre of the upper lip's inner edge.</summary>
    public const int UpperLipInner = 13;

    /// <summary>Centre of the lower lip's inner edge.</summary>
    public const int LowerLipInner = 14;

    /// <summary>Right inner mouth corner (where the lips meet).</summary>
    public const int MouthRightInner = 78;

    /// <summary>Left inner mouth corner.</summary>
    public const int MouthLeftInner = 308;

    /// <summary>Nose tip.</summary>
    public const int NoseTip = 1;

    /// <summary>Top of the forehead on the midline.</summary>
    public const int ForeheadTop = 10;

    /// <summary>Bottom of the chin on the midline.</summary>
    public const int ChinBottom = 152;

    /// <summary>Right edge of the face at cheekbone height (near the right ear).</summary>
    public const int RightCheek = 234;

    /// <summary>Left edge of the face at cheekbone height (near the left ear).</summary>
    public const int LeftCheek = 454;
}
