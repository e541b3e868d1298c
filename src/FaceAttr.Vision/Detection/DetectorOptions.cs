namespace FaceAttr.Vision.Detection;

/// <summary>
/// How a face detector filters and merges what its model proposes. Immutable; checked by
/// <see cref="Validate"/> when a detector is built.
/// </summary>
public sealed record DetectorOptions
{
    /// <summary>
    /// Lowest face score kept, a probability in 0–1 (after the sigmoid). Default 0.5, MediaPipe's
    /// threshold for both BlazeFace models and mid-gap on real photos: the back model's faces on the
    /// face-api samples score 0.64–0.95, its false positives at most 0.26 (measurements in Detection/README.md).
    /// </summary>
    public float MinScore { get; init; } = 0.5f;

    /// <summary>
    /// Intersection over union above which two proposals are the same face and are merged by weighted
    /// non-max suppression. Range: greater than 0, at most 1. Default 0.3 (MediaPipe).
    /// </summary>
    public float NmsIoU { get; init; } = 0.3f;

    /// <summary>Most faces returned per frame, best scores first. Range 1–1000. Default 100.</summary>
    public int MaxFaces { get; init; } = 100;

    /// <summary>
    /// Smallest face kept, in image pixels: a face whose box is smaller than this on its longer side is
    /// dropped. Range 0–10000; 0 keeps every face. Default 0 (later stages judge small faces by quality).
    /// </summary>
    public float MinFaceSize { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of its range.</summary>
    public void Validate()
    {
        if (!(MinScore is >= 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(MinScore), MinScore, "MinScore must be a probability in 0..1");
        }

        if (!(NmsIoU is > 0f and <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(NmsIoU), NmsIoU, "NmsIoU must be greater than 0 and at most 1");
        }

        if (MaxFaces is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFaces), MaxFaces, "MaxFaces must be in 1..1000");
        }

        if (!(MinFaceSize is >= 0f and <= 10_000f))
        {
            throw new ArgumentOutOfRangeException(nameof(MinFaceSize), MinFaceSize, "MinFaceSize must be in 0..10000 pixels");
        }
    }
}
