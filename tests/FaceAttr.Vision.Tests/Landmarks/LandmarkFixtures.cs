using System.Numerics;
using FaceAttr.Core.Bundles;
using FaceAttr.Core.Faces;
using FaceAttr.Core.Imaging;
using FaceAttr.TestSupport;
using FaceAttr.Vision.Imaging;
using FaceAttr.Vision.Landmarks;
using FaceAttr.Vision.Preprocessing;

namespace FaceAttr.Vision.Tests.Landmarks;

/// <summary>
/// Shared pieces of the landmark tests: the bundle's models, detections built by hand (no detector: a
/// rough facemesh pass on a guessed square, then re-fits from the mesh's own box), and image transforms.
/// </summary>
internal static class LandmarkFixtures
{
    private static readonly Lazy<BundleManifest> Manifest = new(() => ManifestSerializer.ReadFromFolder(TestPaths.RequireBundle()));

    public static ModelEntry Entry(string id) => Manifest.Value.Models.Single(m => m.Id == id);

    public static FaceMeshLandmarker OpenFaceMesh(LandmarkOptions? options = null) =>
        new(TestPaths.Bundle, Entry("facemesh"), options ?? new LandmarkOptions());

    /// <summary>A detection guess: a square box of side <paramref name="side"/> centred at (cx, cy), eyes level.</summary>
    public static DetectedFace Guess(float cx, float cy, float side)
    {
        var keypoints = default(FaceKeypoints);
        keypoints[FaceKeypoints.RightEye] = new Vector2(cx - (side / 4), cy - (side / 8));
        keypoints[FaceKeypoints.LeftEye] = new Vector2(cx + (side / 4), cy - (side / 8));
        keypoints[FaceKeypoints.NoseTip] = new Vector2(cx, cy);
        keypoints[FaceKeypoints.Mouth] = new Vector2(cx, cy + (side / 4));
        keypoints[FaceKeypoints.RightEar] = new Vector2(cx - (side / 2), cy);
        keypoints[FaceKeypoints.LeftEar] = new Vector2(cx + (side / 2), cy);
        return new DetectedFace(new BoxF(cx - (side / 2), cy - (side / 2), side, side), 1f, keypoints);
    }

    /// <summary>
    /// Fits from a guess, then re-fits <paramref name="refinements"/> times from the mesh's own detection
    /// (as a tracker would from frame to frame). The detection of the last fit is returned in <paramref name="face"/>.
    /// </summary>
    public static bool FitFromGuess(FaceMeshLandmarker landmarker, RgbImage image, DetectedFace guess, FaceLandmarks result,
        out DetectedFace face, int refinements = 2)
    {
        face = guess;
        if (!landmarker.TryFit(image, face, result))
        {
            return false;
        }

        for (var i = 0; i < refinements; i++)
        {
            face = result.ToDetectedFace();
            if (!landmarker.TryFit(image, face, result))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The guess for a tight aligned face chip (CelebA, UTKFace): the face fills the middle of the frame.</summary>
    public static DetectedFace ChipGuess(int width, int height) =>
        Guess(width / 2f, height * 0.55f, Math.Min(width, height) * 0.6f);

    /// <summary>The guess for astronaut.png: the face is in the upper middle of the 512×512 portrait.</summary>
    public static DetectedFace AstronautGuess(int width, int height) => Guess(width / 2f, height / 4f, width / 4f);

    public static string? Astronaut()
    {
        var samples = TestPaths.DataOrFailInCi("samples");
        return samples is null ? null : Path.Combine(samples, "astronaut.png");
    }

    /// <summary>The image flipped left to right.</summary>
    public static DecodedImage Mirror(DecodedImage image)
    {
        var pixels = new byte[image.Pixels.Length];
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var from = ((y * image.Width) + x) * 3;
                var to = ((y * image.Width) + (image.Width - 1 - x)) * 3;
                pixels[to] = image.Pixels[from];
                pixels[to + 1] = image.Pixels[from + 1];
                pixels[to + 2] = image.Pixels[from + 2];
            }
        }

        return new DecodedImage(pixels, image.Width, image.Height);
    }

    /// <summary>A detection flipped left to right with the image: the subject's right becomes their left.</summary>
    public static DetectedFace Mirror(in DetectedFace face, int width)
    {
        static Vector2 Flip(Vector2 p, int w) => new(w - p.X, p.Y);
        var k = default(FaceKeypoints);
        k[FaceKeypoints.RightEye] = Flip(face.Keypoints[FaceKeypoints.LeftEye], width);
        k[FaceKeypoints.LeftEye] = Flip(face.Keypoints[FaceKeypoints.RightEye], width);
        k[FaceKeypoints.NoseTip] = Flip(face.Keypoints[FaceKeypoints.NoseTip], width);
        k[FaceKeypoints.Mouth] = Flip(face.Keypoints[FaceKeypoints.Mouth], width);
        k[FaceKeypoints.RightEar] = Flip(face.Keypoints[FaceKeypoints.LeftEar], width);
        k[FaceKeypoints.LeftEar] = Flip(face.Keypoints[FaceKeypoints.RightEar], width);
        var b = face.Box;
        return face with { Box = new BoxF(width - b.Right, b.Y, b.Width, b.Height), Keypoints = k };
    }

    /// <summary>
    /// The image turned by <paramref name="angle"/> radians about its centre (same size, corners black):
    /// output pixel q shows source point <c>turn.Apply(q)</c>; <see cref="TurnPoint"/> maps the other way.
    /// </summary>
    public static DecodedImage Rotate(DecodedImage image, float angle, out Affine2D turn)
    {
        // A same-size square crop rotated by −angle: content appears turned by +angle (clockwise in the image).
        turn = Affine2D.FromRotatedSquare(image.Width / 2f, image.Height / 2f, image.Width, -angle, image.Width, image.Height);
        var input = new ModelInput { Name = "rgb", Width = image.Width, Height = image.Height, Scale = 1f };
        var floats = new float[TensorWriter.ItemLength(input)];
        TensorWriter.Write(image.View, turn, input, floats);
        var pixels = new byte[floats.Length];
        for (var i = 0; i < floats.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp(MathF.Round(floats[i]), 0, 255);
        }

        return new DecodedImage(pixels, image.Width, image.Height);
    }

    /// <summary>Where source point <paramref name="p"/> lands in the image made by <see cref="Rotate"/> (inverse of <paramref name="turn"/>).</summary>
    public static Vector2 TurnPoint(in Affine2D turn, Vector2 p)
    {
        var det = (turn.M11 * turn.M22) - (turn.M12 * turn.M21);
        var dx = p.X - turn.Tx;
        var dy = p.Y - turn.Ty;
        return new Vector2(((turn.M22 * dx) - (turn.M12 * dy)) / det, ((-turn.M21 * dx) + (turn.M11 * dy)) / det);
    }

    /// <summary>A detection moved with the image by <see cref="Rotate"/>: keypoints and box centre turned, box size kept.</summary>
    public static DetectedFace Turn(in DetectedFace face, in Affine2D turn)
    {
        var k = default(FaceKeypoints);
        for (var i = 0; i < FaceKeypoints.Count; i++)
        {
            k[i] = TurnPoint(turn, face.Keypoints[i]);
        }

        var c = TurnPoint(turn, new Vector2(face.Box.CenterX, face.Box.CenterY));
        var b = face.Box;
        return face with { Box = new BoxF(c.X - (b.Width / 2), c.Y - (b.Height / 2), b.Width, b.Height), Keypoints = k };
    }

    /// <summary>CelebA rows in file order: file name and the value (+1/−1) of <paramref name="attribute"/>.</summary>
    public static IEnumerable<(string File, int Label)> CelebA(string folder, string attribute)
    {
        using var reader = new StreamReader(Path.Combine(folder, "list_attr_celeba.txt"));
        _ = reader.ReadLine();
        var names = reader.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var column = Array.IndexOf(names, attribute);
        if (column < 0)
        {
            throw new InvalidOperationException($"CelebA has no attribute {attribute}");
        }

        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            yield return (parts[0], int.Parse(parts[column + 1], System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
