using System.Diagnostics;
using FaceAttr.Core.Imaging;

namespace FaceAttr.Capture;

/// <summary>
/// One captured picture: packed RGB24 pixels in a buffer rented from a <see cref="FramePool"/>, with its size,
/// sequence number and capture time.
/// </summary>
/// <remarks>
/// <para>
/// Ownership: a frame has exactly one owner at a time. The source that rents it fills it and hands it to a
/// <see cref="FrameChannel"/> (which then owns it); the reader that takes it out owns it and must call
/// <see cref="Dispose"/> when done, which returns the buffer to the pool. Dispose is idempotent and thread-safe;
/// after it, <see cref="Pixels"/> throws <see cref="ObjectDisposedException"/>.
/// </para>
/// <para>
/// The <see cref="Frame"/> object itself is a small new object per frame on purpose: a stale reference kept by
/// mistake can then never return (or read) a buffer that already belongs to a later frame. Only the pixel
/// buffer, the large allocation, is pooled.
/// </para>
/// </remarks>
public sealed class Frame : IDisposable
{
    private readonly FramePool _pool;
    private byte[]? _buffer;

    internal Frame(FramePool pool, byte[] buffer, int width, int height)
    {
        _pool = pool;
        _buffer = buffer;
        Width = width;
        Height = height;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Bytes of pixel data: width × height × 3.</summary>
    public int ByteLength => Width * Height * 3;

    /// <summary>Per-source frame number, starting at 1 and increasing across source restarts; 0 until <see cref="MarkCaptured"/>.</summary>
    public long Sequence { get; private set; }

    /// <summary>Monotonic capture time in <see cref="Stopwatch"/> ticks (<see cref="Stopwatch.Frequency"/> per second); for latency.</summary>
    public long Timestamp { get; private set; }

    /// <summary>Wall-clock capture time (UTC); for events.</summary>
    public DateTimeOffset CapturedAt { get; private set; }

    /// <summary>Whether the buffer has been returned to the pool.</summary>
    public bool IsDisposed => Volatile.Read(ref _buffer) is null;

    /// <summary>The pixels, row-major RGB, writable by the owner.</summary>
    /// <exception cref="ObjectDisposedException">The frame was disposed.</exception>
    public Span<byte> Pixels => Buffer.AsSpan(0, ByteLength);

    /// <summary>The pixels as <see cref="Memory{T}"/>, for asynchronous reads straight into the frame. Valid until disposal.</summary>
    /// <exception cref="ObjectDisposedException">The frame was disposed.</exception>
    public Memory<byte> Memory => Buffer.AsMemory(0, ByteLength);

    /// <summary>A read-only view for the analysis code; valid until the frame is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The frame was disposed.</exception>
    public RgbImage Image => new(Pixels, Width, Height);

    private byte[] Buffer => Volatile.Read(ref _buffer) ?? throw new ObjectDisposedException(nameof(Frame), "the frame was disposed and its buffer returned to the pool");

    /// <summary>Stamps the frame as captured now (or at <paramref name="timestamp"/>, in <see cref="Stopwatch"/> ticks) with its sequence number.</summary>
    /// <param name="sequence">The source's frame number.</param>
    /// <param name="timestamp">A monotonic capture time from the device, in Stopwatch ticks; null means now.</param>
    public void MarkCaptured(long sequence, long? timestamp = null)
    {
        var now = Stopwatch.GetTimestamp();
        Sequence = sequence;
        Timestamp = timestamp ?? now;
        var age = Stopwatch.GetElapsedTime(Timestamp, now);
        CapturedAt = DateTimeOffset.UtcNow - (age > TimeSpan.Zero ? age : TimeSpan.Zero);
    }

    /// <summary>Returns the buffer to its pool. Calling it again does nothing.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            _pool.Return(buffer);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"frame #{Sequence} {Width}x{Height}{(IsDisposed ? " (disposed)" : string.Empty)}";
}
