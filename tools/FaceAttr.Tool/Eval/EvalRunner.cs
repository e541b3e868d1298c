using FaceAttr.Datasets;
using FaceAttr.Vision.Imaging;

namespace FaceAttr.Tool.Eval;

/// <summary>
/// Runs a predictor over labeled faces and scores it. The predictor gets an image path and returns what it saw,
/// or null when it found no face. An image that cannot be decoded or read (<see cref="ImageDecodeException"/>,
/// <see cref="IOException"/>) is recorded as a failure and the run goes on; any other exception is a bug and propagates.
/// </summary>
public static class EvalRunner
{
    /// <summary>Runs <paramref name="predict"/> over every face of <paramref name="faces"/>, in order.</summary>
    /// <param name="faces">The labeled faces.</param>
    /// <param name="predict">Analyses one image; null when no face was found.</param>
    /// <param name="onFailure">Called once per failed image as it happens (to print one line per file); may be null.</param>
    /// <param name="cancellationToken">Checked between images.</param>
    public static EvalReport Run(
        IReadOnlyList<LabeledFace> faces,
        Func<string, FacePrediction?> predict,
        Action<EvalFailure>? onFailure = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(faces);
        ArgumentNullException.ThrowIfNull(predict);
        var report = new EvalReport();
        foreach (var face in faces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            FacePrediction? prediction;
            try
            {
                prediction = predict(face.ImagePath);
            }
            catch (Exception ex) when (ex is ImageDecodeException or IOException)
            {
                var failure = report.AddFailure(face, ex.Message);
                onFailure?.Invoke(failure);
                continue;
            }

            report.Add(face, prediction);
        }

        return report;
    }

    /// <summary>
    /// Runs <paramref name="predict"/> over the faces of <paramref name="set"/> and records in the report how many entries
    /// the reader skipped and excluded.
    /// </summary>
    public static EvalReport Run(
        DatasetReadResult set,
        Func<string, FacePrediction?> predict,
        Action<EvalFailure>? onFailure = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        var report = Run(set.Faces, predict, onFailure, cancellationToken);
        report.DatasetSkipped = set.Skipped.Count;
        report.DatasetExcluded = set.Excluded.Count;
        return report;
    }
}
