namespace FaceAttr.Capture;

/// <summary>Settings of a <see cref="TestPatternSource"/>.</summary>
public sealed class TestPatternOptions
{
    /// <summary>Width in pixels. Range 2–8192; default 640.</summary>
    public int Width { get; set; } = 640;

    /// <summary>Height in pixels. Range 2–8192; default 480.</summary>
    public int Height { get; set; } = 480;

    /// <summary>Frames per second. Range 0.1–1000; default 30.</summary>
    public double Fps { get; set; } = 30;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (Width is < 2 or > 8192)
        {
            throw new ArgumentOutOfRangeException(nameof(Width), Width, "must be 2–8192");
        }

        if (Height is < 2 or > 8192)
        {
            throw new ArgumentOutOfRangeException(nameof(Height), Height, "must be 2–8192");
        }

        if (!(Fps is >= 0.1 and <= 1000))
        {
            throw new ArgumentOutOfRangeException(nameof(Fps), Fps, "must be 0.1–1000");
        }
    }
}

/// <summary>
/// Generates eight vertical colour bars that scroll one column per frame: a source with no dependencies, for
/// checking a pipeline or a display when there is no camera. Allocates nothing per frame.
/// </summary>
public sealed class TestPatternSource : IFrameSource
{
    private static readonly byte[] Bars =
    [
        255, 255, 255, 255, 255, 0, 0, 255, 255, 0, 255, 0,
        255, 0, 255, 255, 0, 0, 0, 0, 255, 0, 0, 0,
    ];

    private readonly TestPatternOptions _options;
    private long _sequence;

    /// <summary>Creates the source.</summary>
    /// <param name="options">Size and rate; null for 640x480 at 30 fps.</param>
    public TestPatternSource(TestPatternOptions? options = null)
    {
        _options = options ?? new TestPatternOptions();
        _options.Validate();
    }

    /// <inheritdoc/>
    public string Name => "test-pattern";

    /// <inheritdoc/>
    public async Task RunAsync(FrameChannel output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / _options.Fps));
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sequence = Interlocked.Increment(ref _sequence);
            var frame = output.Pool.Rent(_options.Width, _options.Height);
            Draw(frame.Pixels, _options.Width, _options.Height, (int)(sequence % _options.Width));
            frame.MarkCaptured(sequence);
            output.TryWrite(frame);
            await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Draws the bars shifted by <paramref name="shift"/> columns into <paramref name="rgb"/>.</summary>
    public static void Draw(Span<byte> rgb, int width, int height, int shift)
    {
        var row = rgb[..(width * 3)];
        for (var x = 0; x < width; x++)
        {
            var bar = (x + shift) % width * 8 / width;
            Bars.AsSpan(bar * 3, 3).CopyTo(row.Slice(x * 3, 3));
        }

        for (var y = 1; y < height; y++)
        {
            row.CopyTo(rgb.Slice(y * width * 3, width * 3));
        }
    }
}
