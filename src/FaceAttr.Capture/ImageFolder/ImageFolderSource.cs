using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace FaceAttr.Capture;

/// <summary>
/// Plays the images of a folder as a looping frame sequence at a fixed rate: the zero-config demo source and a
/// test source. Files are recognised by content, not extension (a WebP named <c>.jpg</c> plays); each is decoded
/// once, EXIF-oriented, optionally scaled down to <see cref="ImageFolderOptions.MaxWidth"/>, and cached. A file
/// that is not a readable image is logged once and skipped from then on.
/// </summary>
/// <remarks>
/// The folder is listed at the start of each run (a restart picks up new files). A run with no readable image
/// at all ends with <see cref="CaptureUnavailableException"/>. Per frame the cached pixels are copied into a
/// pooled frame; nothing else is allocated. The cache holds every decoded image for the life of the source.
/// </remarks>
public sealed class ImageFolderSource : IFrameSource
{
    private readonly ImageFolderOptions _options;
    private readonly ICaptureLog _log;
    private readonly Dictionary<string, CachedImage?> _cache = new(StringComparer.Ordinal);
    private long _sequence;
    private int _skippedFiles;

    /// <summary>Creates the source; nothing is read until <see cref="RunAsync"/>.</summary>
    /// <param name="options">Folder, rate and size; validated here.</param>
    /// <param name="log">Where skipped files are reported; null to discard.</param>
    public ImageFolderSource(ImageFolderOptions options, ICaptureLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _log = log ?? NullCaptureLog.Instance;
        Name = $"images:{options.Path}";
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Files found not to be readable images so far (each counted once).</summary>
    public int SkippedFiles => Volatile.Read(ref _skippedFiles);

    /// <summary>Images decoded and cached so far.</summary>
    public int CachedImages
    {
        get
        {
            lock (_cache)
            {
                return _cache.Values.Count(image => image is not null);
            }
        }
    }

    /// <inheritdoc/>
    public async Task RunAsync(FrameChannel output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        await Task.Yield(); // decode off the caller's thread
        var files = ListFiles();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / _options.Fps));
        while (true)
        {
            var played = 0;
            foreach (var file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var image = GetOrDecode(file, output);
                if (image is null)
                {
                    continue;
                }

                for (var shown = 0; shown < _options.FramesPerImage; shown++)
                {
                    var frame = output.Pool.Rent(image.Width, image.Height);
                    image.Pixels.CopyTo(frame.Pixels);
                    frame.MarkCaptured(Interlocked.Increment(ref _sequence));
                    output.TryWrite(frame);
                    await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
                }

                played++;
            }

            if (played == 0)
            {
                throw new CaptureUnavailableException($"{_options.Path}: none of its {files.Length} files is a readable image");
            }
        }
    }

    private string[] ListFiles()
    {
        var path = _options.Path;
        if (File.Exists(path))
        {
            return [path];
        }

        if (!Directory.Exists(path))
        {
            throw new CaptureUnavailableException($"{path}: no such folder or file");
        }

        string[] files;
        try
        {
            files = Directory.GetFiles(path)
                .Where(f => !System.IO.Path.GetFileName(f).StartsWith('.'))
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CaptureUnavailableException($"{path}: cannot list the folder: {ex.Message}", ex);
        }

        return files.Length > 0 ? files : throw new CaptureUnavailableException($"{path}: the folder is empty");
    }

    private CachedImage? GetOrDecode(string file, FrameChannel output)
    {
        lock (_cache)
        {
            if (_cache.TryGetValue(file, out var cached))
            {
                return cached;
            }
        }

        CachedImage? image;
        try
        {
            image = Decode(file);
        }
        catch (CaptureException ex)
        {
            _log.Log(CaptureLogLevel.Warning, Name, $"skipping {ex.Message}");
            Interlocked.Increment(ref _skippedFiles);
            output.ReportError();
            image = null;
        }

        lock (_cache)
        {
            _cache[file] = image;
        }

        return image;
    }

    private CachedImage Decode(string file)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CaptureException($"{file}: cannot read: {ex.Message}", ex);
        }

        if (bytes.Length == 0)
        {
            throw new CaptureException($"{file}: empty file");
        }

        try
        {
            var info = Image.Identify(bytes) ?? throw new CaptureException($"{file}: not an image format that can be read");
            if ((long)info.Width * info.Height > _options.MaxPixels)
            {
                throw new CaptureException($"{file}: {info.Width}x{info.Height} is over the {_options.MaxPixels / 1_000_000} megapixel cap");
            }

            using var image = Image.Load<Rgb24>(bytes);
            image.Mutate(x => x.AutoOrient());
            if (_options.MaxWidth > 0 && image.Width > _options.MaxWidth)
            {
                var height = Math.Max(1, (int)Math.Round((double)image.Height * _options.MaxWidth / image.Width));
                image.Mutate(x => x.Resize(_options.MaxWidth, height));
            }

            var pixels = new byte[image.Width * image.Height * 3];
            image.CopyPixelDataTo(pixels);
            return new CachedImage(pixels, image.Width, image.Height);
        }
        catch (UnknownImageFormatException ex)
        {
            throw new CaptureException($"{file}: not an image format that can be read ({ex.Message})", ex);
        }
        catch (InvalidImageContentException ex)
        {
            throw new CaptureException($"{file}: corrupt or truncated image ({ex.Message})", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new CaptureException($"{file}: unsupported image variant ({ex.Message})", ex);
        }
    }

    private sealed record CachedImage(byte[] Pixels, int Width, int Height);
}
