using System.Numerics;
using System.Runtime.CompilerServices;
using FaceAttr.Core.Imaging;

namespace FaceAttr.Core.Faces;

/// <summary>
/// The six BlazeFace keypoints in image pixels, in MediaPipe order: 0 right eye, 1 left eye, 2 nose tip,
/// 3 mouth centre, 4 right ear tragion, 5 left ear tragion. "Right" is the subject's right, which is on
/// the image's left for a frontal face. Stored inline so a detection allocates nothing.
/// </summary>
[InlineArray(Count)]
public struct FaceKeypoints
{
    /// <summary>Number of keypoints.</summary>
    public const int Count = 6;

    /// <summary>Index of the subject's right eye.</summary>
    public const int RightEye = 0;

    /// <summary>Index of the subject's left eye.</summary>
    public const int LeftEye = 1;

    /// <summary>Index of the nose tip.</summary>
    public const int NoseTip = 2;

    /// <summary>Index of the mouth centre.</summary>
    public const int Mouth = 3;

    /// <summary>Index of the subject's right ear tragion.</summary>
    public const int RightEar = 4;

    /// <summary>Index of the subject's left ear tragion.</summary>
    public const int LeftEar = 5;

    private Vector2 _first;
}

/// <summary>A face found by a detector: box and keypoints in image pixels, and a score in 0..1.</summary>
public record struct DetectedFace(BoxF Box, float Score, FaceKeypoints Keypoints);
