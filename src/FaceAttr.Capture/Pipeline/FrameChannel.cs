using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace FaceAttr.Capture;

/// <summary>
/// The bounded hand-off between a frame source and the pipeline: latest frame wins. When the reader is behind
/// and the channel is full, the OLDEST queued frame is dropped, disposed (its buffer goes back to the pool) and
/// counted; the writer never blocks, so a camera is never stalled by slow analysis.
/// </summary>
/// <remarks>
/// Ownership: <see cref="TryWrite"/> always takes the frame (on a completed channel it disposes it at once);
/// <see cref="ReadAsync"/> and <see cref="TryRead"/> give the frame to the caller, who disposes it.
/// Disposing the channel completes it and disposes the frames still queued. Thread-safe for any number of
/// writers and readers; in practice one source writes and one pipeline stage reads.
/// </remarks>
public sealed class FrameChannel : IDisposable
{
    private readonly Channel<Frame> _channel;
    private long _framesIn;
    private long _dropped;
    private long _restarts;
    private long _errors;
    private long _lastWriteTimestamp;

    /// <summary>Creates a channel.</summary>
    /// <param name="options">Capacity; null for the defaults.</param>
    /// <param name="pool">The buffer pool sources rent from; null for a new pool with default limits.</param>
    public FrameChannel(FrameChannelOptions? options = null, FramePool? pool = null)
    {
        Options = options ?? new FrameChannelOptions();
        Options.Validate();
        Pool = pool ?? new FramePool();
        _channel = Channel.CreateBounded<Frame>(
            new BoundedChannelOptions(Options.Capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = false,
                SingleWriter = false,
            },
            OnDropped);
    }

    /// <summary>The options this channel was made with.</summary>
    public FrameChannelOptions Options { get; }

    /// <summary>The pool sources rent frames from.</summary>
    public FramePool Pool { get; }

    /// <summary>The reading side, for <c>await foreach (var frame in channel.Reader.ReadAllAsync(ct))</c>. Each frame read is the reader's to dispose.</summary>
    public ChannelReader<Frame> Reader => _channel.Reader;

    /// <summary>Frames queued now.</summary>
    public int Count => _channel.Reader.Count;

    /// <summary>The counters (a snapshot; each value is read atomically).</summary>
    public CaptureCounters Counters
    {
        get
        {
            var count = Count;
            var dropped = Interlocked.Read(ref _dropped);
            var framesIn = Interlocked.Read(ref _framesIn);
            return new CaptureCounters(framesIn, Math.Max(0, framesIn - dropped - count), dropped, Interlocked.Read(ref _restarts), Interlocked.Read(ref _errors));
        }
    }

    /// <summary>Frames written so far.</summary>
    public long FramesIn => Interlocked.Read(ref _framesIn);

    /// <summary>When the last frame was written, in <see cref="Stopwatch"/> ticks; 0 before the first.</summary>
    public long LastWriteTimestamp => Interlocked.Read(ref _lastWriteTimestamp);

    /// <summary>Hands <paramref name="frame"/> to the channel, dropping the oldest queued frame if the channel is full. Never blocks.</summary>
    /// <param name="frame">The frame; the channel owns it from now on, whatever the result.</param>
    /// <returns>False when the channel is completed; the frame was then disposed and counted as dropped.</returns>
    public bool TryWrite(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        Interlocked.Increment(ref _framesIn);
        Interlocked.Exchange(ref _lastWriteTimestamp, Stopwatch.GetTimestamp());
        if (_channel.Writer.TryWrite(frame))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        frame.Dispose();
        return false;
    }

    /// <summary>Waits for the next frame.</summary>
    /// <returns>The frame, now owned by the caller.</returns>
    /// <exception cref="ChannelClosedException">The channel was completed and is empty.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async ValueTask<Frame> ReadAsync(CancellationToken cancellationToken)
    {
        return await _channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes the next frame if one is queued.</summary>
    /// <param name="frame">The frame, now owned by the caller.</param>
    /// <returns>Whether a frame was queued.</returns>
    public bool TryRead([MaybeNullWhen(false)] out Frame frame)
    {
        return _channel.Reader.TryRead(out frame);
    }

    /// <summary>Counts a restart of the source feeding this channel (called by <see cref="SourceSupervisor"/>).</summary>
    public void ReportRestart() => Interlocked.Increment(ref _restarts);

    /// <summary>Counts a source error (called by <see cref="SourceSupervisor"/>; sources may count skipped corrupt input too).</summary>
    public void ReportError() => Interlocked.Increment(ref _errors);

    /// <summary>No more frames will be written; readers drain what is queued and then see the end.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Completes the channel and disposes the frames still queued.</summary>
    public void Dispose()
    {
        Complete();
        while (_channel.Reader.TryRead(out var frame))
        {
            frame.Dispose();
        }
    }

    private void OnDropped(Frame frame)
    {
        Interlocked.Increment(ref _dropped);
        frame.Dispose();
    }
}

/// <summary>Size of a <see cref="FrameChannel"/>.</summary>
public sealed class FrameChannelOptions
{
    /// <summary>Frames queued before the oldest is dropped. Range 1–64; default 2 (one being read, one fresh).</summary>
    public int Capacity { get; set; } = 2;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (Capacity is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "must be 1–64");
        }
    }
}

/// <summary>What went through a <see cref="FrameChannel"/>, for the stats heartbeat.</summary>
/// <param name="FramesIn">Frames written by the source.</param>
/// <param name="FramesOut">Frames taken by readers (written − dropped − queued).</param>
/// <param name="Dropped">Frames dropped because the reader was behind (or the channel was closed).</param>
/// <param name="SourceRestarts">Times the source was restarted after a failure, a stall or an end of stream.</param>
/// <param name="Errors">Source failures and skipped corrupt input.</param>
public readonly record struct CaptureCounters(long FramesIn, long FramesOut, long Dropped, long SourceRestarts, long Errors);
