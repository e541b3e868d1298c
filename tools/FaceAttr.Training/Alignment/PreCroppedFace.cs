using FaceAttr.Core.Imaging;
using FaceAttr.Core.Faces;
using FaceAttr.Vision.Imaging;

namespace FaceAttr.Training.Alignment;

/// <summary>
/// Detection on pre-cropped face images (CelebA, UTKFace, the expression set), shared by <c>faceattr eval</c> and the
/// training crop cache so both frame faces the same way. Such images are filled by the face, where detectors see parts
/// of a face as faces: pad with black to <see cref="PadFactor"/>× first; when the detector still finds none, treat the
/// whole image as the face with keypoints where aligned crops put them (<see cref="WholeImageFace"/>).
/// </summary>
public static class PreCroppedFace
{
    /// <summary>How much black border surrounds a tight pre-cropped face before detection (side multiple).</summary>
    public const float PadFactor = 2f;

    /// <summary>The image centred on a black square of side <see cref="PadFactor"/> × its longer side.</summary>
    public static DecodedImage Pad(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var side = (int)(Math.Max(image.Width, image.Height) * PadFactor);
        var offsetX = (side - image.Width) / 2;
        var offsetY = (side - image.Height) / 2;
        var pixels = new byte[side * side * 3];
        for (var y = 0; y < image.Height; y++)
        {
            Array.Copy(image.Pixels, y * image.Width * 3, pixels, (((y + offsetY) * side) + offsetX) * 3, image.Width * 3);
        }

        return new DecodedImage(pixels, side, side);
    }

    /// <summary>Index of the face nearest the centre of a <paramref name="width"/>×<paramref name="height"/> frame (the labelled one), −1 for none.</summary>
    public static int Central(IReadOnlyList<DetectedFace> faces, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var cx = width / 2f;
        var cy = height / 2f;
        var best = -1;
        var bestDistance = float.MaxValue;
        for (var i = 0; i < faces.Count; i++)
        {
            var d = MathF.Abs(faces[i].Box.CenterX - cx) + MathF.Abs(faces[i].Box.CenterY - cy);
            if (d < bestDistance)
            {
                (best, bestDistance) = (i, d);
            }
        }

        return best;
    }

    /// <summary>The whole image as one face, keypoints where aligned face crops put the eyes, nose and mouth.</summary>
    public static DetectedFace WholeImageFace(int width, int height)
    {
        var keypoints = new FaceKeypoints();
        keypoints[FaceKeypoints.RightEye] = new(0.35f * width, 0.42f * height);
        keypoints[FaceKeypoints.LeftEye] = new(0.65f * width, 0.42f * height);
        keypoints[FaceKeypoints.NoseTip] = new(0.5f * width, 0.55f * height);
        keypoints[FaceKeypoints.Mouth] = new(0.5f * width, 0.7f * height);
        keypoints[FaceKeypoints.RightEar] = new(0.15f * width, 0.5f * height);
        keypoints[FaceKeypoints.LeftEar] = new(0.85f * width, 0.5f * height);
        var side = 0.8f * Math.Min(width, height);
        return new DetectedFace(new BoxF((width - side) / 2, (height - side) / 2, side, side), 0, keypoints);
    }
}
