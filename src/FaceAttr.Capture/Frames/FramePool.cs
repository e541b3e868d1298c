namespace FaceAttr.Capture;

/// <summary>
/// Pixel buffers for <see cref="Frame"/>s, reused by exact size so the capture loop allocates no pixel memory
/// in a steady state. Thread-safe; one pool is normally shared by a <see cref="FrameChannel"/> and its source.
/// </summary>
/// <remarks>
/// Buffers are kept per exact byte length (a camera delivers one size; an image folder a few). A returned
/// buffer is kept while that size has fewer than <see cref="FramePoolOptions.MaxRetainedPerSize"/> spares and
/// the pool holds less than <see cref="FramePoolOptions.MaxRetainedBytes"/>; otherwise it is left to the GC
/// and counted in <see cref="FramePoolStatistics.Discarded"/>.
/// </remarks>
public sealed class FramePool
{
    private readonly FramePoolOptions _options;
    private readonly Dictionary<int, Stack<byte[]>> _spares = [];
    private readonly Lock _lock = new();
    private long _created;
    private long _rented;
    private long _returned;
    private long _discarded;
    private long _retainedBytes;
    private int _retainedBuffers;

    /// <summary>Creates an empty pool.</summary>
    /// <param name="options">Retention limits; null for the defaults.</param>
    public FramePool(FramePoolOptions? options = null)
    {
        _options = options ?? new FramePoolOptions();
        _options.Validate();
    }

    /// <summary>Counts so far (a consistent snapshot).</summary>
    public FramePoolStatistics Statistics
    {
        get
        {
            lock (_lock)
            {
                return new FramePoolStatistics(_created, _rented, _returned, _discarded, _retainedBuffers, _retainedBytes);
            }
        }
    }

    /// <summary>Rents a frame of <paramref name="width"/> × <paramref name="height"/> RGB pixels. Its content is undefined: the caller overwrites all of it.</summary>
    /// <returns>A frame the caller owns and must dispose (or hand to a <see cref="FrameChannel"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A side is not positive, or the frame would exceed 2 GB.</exception>
    public Frame Rent(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var length = (long)width * height * 3;
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height} RGB is too large for one buffer");
        }

        byte[]? buffer = null;
        lock (_lock)
        {
            _rented++;
            if (_spares.TryGetValue((int)length, out var stack) && stack.TryPop(out buffer))
            {
                _retainedBuffers--;
                _retainedBytes -= buffer.Length;
            }
            else
            {
                _created++;
            }
        }

        // Allocate outside the lock: a large array can take a while to zero.
        buffer ??= GC.AllocateUninitializedArray<byte>((int)length);
        return new Frame(this, buffer, width, height);
    }

    internal void Return(byte[] buffer)
    {
        lock (_lock)
        {
            _returned++;
            if (!_spares.TryGetValue(buffer.Length, out var stack))
            {
                stack = new Stack<byte[]>(_options.MaxRetainedPerSize);
                _spares.Add(buffer.Length, stack);
            }

            if (stack.Count < _options.MaxRetainedPerSize && _retainedBytes + buffer.Length <= _options.MaxRetainedBytes)
            {
                stack.Push(buffer);
                _retainedBuffers++;
                _retainedBytes += buffer.Length;
            }
            else
            {
                _discarded++;
            }
        }
    }
}

/// <summary>How many buffers a <see cref="FramePool"/> keeps for reuse.</summary>
public sealed class FramePoolOptions
{
    /// <summary>Spare buffers kept per frame size. Range 1–64; default 8 (channel capacity + consumer + source, with room).</summary>
    public int MaxRetainedPerSize { get; set; } = 8;

    /// <summary>Bytes of spare buffers kept in all. Range 1 MB – 4 GB; default 128 MB (about 20 spare 1080p frames).</summary>
    public long MaxRetainedBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (MaxRetainedPerSize is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetainedPerSize), MaxRetainedPerSize, "must be 1–64");
        }

        if (MaxRetainedBytes is < 1024 * 1024 or > 4L * 1024 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetainedBytes), MaxRetainedBytes, "must be 1 MB – 4 GB");
        }
    }
}

/// <summary>What a <see cref="FramePool"/> has done so far.</summary>
/// <param name="Created">Buffers allocated because no spare of the size was available.</param>
/// <param name="Rented">Frames handed out.</param>
/// <param name="Returned">Frames disposed (their buffers came back).</param>
/// <param name="Discarded">Returned buffers not kept because a retention limit was reached.</param>
/// <param name="RetainedBuffers">Spare buffers held now.</param>
/// <param name="RetainedBytes">Bytes of spare buffers held now.</param>
public readonly record struct FramePoolStatistics(long Created, long Rented, long Returned, long Discarded, int RetainedBuffers, long RetainedBytes)
{
    /// <summary>Frames rented and not yet disposed. Zero once every owner has disposed its frames; anything else is a leak.</summary>
    public long Outstanding => Rented - Returned;
}
