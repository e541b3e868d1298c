namespace FaceAttr.Capture;

/// <summary>Settings of an <see cref="ImageFolderSource"/>.</summary>
public sealed class ImageFolderOptions
{
    /// <summary>A folder (every regular, non-hidden file in it, in ordinal name order) or a single image file. Required.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Frames per second. Range 0.1–120; default 5.</summary>
    public double Fps { get; set; } = 5;

    /// <summary>
    /// How many consecutive frames show each image before the next: 1 flips every frame; more makes each photo a person
    /// who stays in view for a while (the demo's enter → update → exit). Range 1–100000; default 1.
    /// </summary>
    public int FramesPerImage { get; set; } = 1;

    /// <summary>Images wider than this are scaled down (aspect kept) once, when decoded. 0 keeps the size; otherwise 16–8192. Default 0.</summary>
    public int MaxWidth { get; set; }

    /// <summary>Files with more pixels are refused before decoding. Range 1–200 megapixels; default 40 megapixels.</summary>
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException("ImageFolderOptions.Path is required (a folder or an image file)", nameof(Path));
        }

        if (!(Fps is >= 0.1 and <= 120))
        {
            throw new ArgumentOutOfRangeException(nameof(Fps), Fps, "must be 0.1–120");
        }

        if (FramesPerImage is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(FramesPerImage), FramesPerImage, "must be 1–100000");
        }

        if (MaxWidth != 0 && MaxWidth is < 16 or > 8192)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxWidth), MaxWidth, "must be 0 (keep) or 16–8192");
        }

        if (MaxPixels is < 1_000_000 or > 200_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPixels), MaxPixels, "must be 1–200 megapixels");
        }
    }
}
