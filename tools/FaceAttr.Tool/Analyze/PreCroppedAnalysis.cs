using FaceAttr.Training.Alignment;
using FaceAttr.Vision.Analysis;
using FaceAttr.Vision.Imaging;

namespace FaceAttr.Tool.Analyze;

/// <summary>
/// Analysis of a pre-cropped face image (eval sets, folders to pseudo-label), framed as the training crop cache frames it
/// (<see cref="PreCroppedFace"/>): pad with black and take the detected face nearest the centre; when none is found,
/// analyze the whole image as one face.
/// </summary>
public static class PreCroppedAnalysis
{
    /// <summary>The analysis of the labelled face, and whether it came from a detection in the padded image.</summary>
    public static (FaceAnalysis Face, bool Detected) Analyze(FaceAnalyzer analyzer, DecodedImage image)
    {
        var padded = PreCroppedFace.Pad(image);
        var found = analyzer.Analyze(padded.View);
        if (found.Count > 0)
        {
            var central = PreCroppedFace.Central([.. found.Select(f => f.Detection)], padded.Width, padded.Height);
            return (found[central], true);
        }

        return (analyzer.AnalyzeFace(image.View, PreCroppedFace.WholeImageFace(image.Width, image.Height)), false);
    }
}
