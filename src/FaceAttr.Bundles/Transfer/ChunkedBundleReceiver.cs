using FaceAttr.Bundles.Updating;

namespace FaceAttr.Bundles.Transfer;

/// <summary>What happened to one chunk.</summary>
public enum ChunkOutcome
{
    /// <summary>Written; more chunks are expected.</summary>
    Accepted,

    /// <summary>Already received (an MQTT QoS 1 redelivery); ignored.</summary>
    Duplicate,

    /// <summary>The last chunk: the archive is complete; call <see cref="ChunkedBundleReceiver.TakeArchive"/>.</summary>
    Complete,
}

/// <summary>
/// Assembles an archive sent as numbered chunks (MQTT, for sites with only a broker) into a temp file with a
/// size cap and a streamed sha256. Chunks must come in order <c>0..total−1</c>: a repeated index is a
/// duplicate and ignored, a skipped index (a gap) fails the transfer, as does a change of <c>total</c>.
/// Not thread-safe: feed it from one message handler. Owns the temp file until <see cref="TakeArchive"/>;
/// disposing before deletes it.
/// </summary>
public sealed class ChunkedBundleReceiver : IDisposable
{
    private readonly HashingFileWriter _writer;
    private readonly long? _expectedBytes;
    private int _total = -1;
    private int _next;
    private UpdateException? _failed;
    private bool _complete;

    /// <summary>Creates a receiver writing into <paramref name="tempFolder"/>.</summary>
    /// <param name="tempFolder">Folder for the temp file (same file system as the slots, so nothing is copied twice).</param>
    /// <param name="options">Size cap and write wrapper.</param>
    /// <param name="expectedBytes">The signed archive length, when the signature came first.</param>
    public ChunkedBundleReceiver(string tempFolder, ReceiveOptions? options = null, long? expectedBytes = null)
    {
        var o = options ?? new ReceiveOptions();
        o.Validate();
        if (expectedBytes > o.MaxBytes)
        {
            throw new UpdateException(UpdateStage.Receive, UpdateFailure.TooLarge,
                $"archive is {expectedBytes} bytes, over the {o.MaxBytes}-byte cap");
        }

        _expectedBytes = expectedBytes;
        var (cap, source) = expectedBytes is { } e ? (e, "the signed length") : (o.MaxBytes, "the size cap");
        _writer = new HashingFileWriter(tempFolder, o, cap, source);
    }

    /// <summary>Bytes written so far.</summary>
    public long Bytes => _writer.Bytes;

    /// <summary>Chunks received so far (the next expected index).</summary>
    public int Received => _next;

    /// <summary>Total chunks announced, or −1 before the first chunk.</summary>
    public int Total => _total;

    /// <summary>Takes one chunk.</summary>
    /// <exception cref="UpdateException">Stage receive: gap, changed total, bad index, too large, disk full. The receiver stays failed.</exception>
    public ChunkOutcome Accept(int index, int total, ReadOnlySpan<byte> data)
    {
        if (_failed is not null)
        {
            throw _failed;
        }

        if (_complete)
        {
            return ChunkOutcome.Duplicate;
        }

        try
        {
            return AcceptChecked(index, total, data);
        }
        catch (UpdateException ex)
        {
            _failed = ex;
            throw;
        }
    }

    private ChunkOutcome AcceptChecked(int index, int total, ReadOnlySpan<byte> data)
    {
        if (total <= 0 || index < 0 || index >= total)
        {
            throw Fail($"chunk {index} of {total} is out of range");
        }

        if (_total < 0)
        {
            _total = total;
        }
        else if (total != _total)
        {
            throw Fail($"chunk {index} says {total} chunks in all, earlier chunks said {_total}");
        }

        if (index < _next)
        {
            return ChunkOutcome.Duplicate;
        }

        if (index > _next)
        {
            throw new UpdateException(UpdateStage.Receive, UpdateFailure.Truncated,
                $"chunk {index} arrived but chunk {_next} is missing (gap of {index - _next}); resend from chunk {_next}");
        }

        _writer.Write(data);
        _next++;
        if (_next < _total)
        {
            return ChunkOutcome.Accepted;
        }

        if (_expectedBytes is { } e && _writer.Bytes != e)
        {
            throw new UpdateException(UpdateStage.Receive, UpdateFailure.Truncated,
                $"all {_total} chunks gave {_writer.Bytes} bytes, the signature says {e}");
        }

        _complete = true;
        return ChunkOutcome.Complete;
    }

    /// <summary>Hands over the completed archive (fsynced); the caller owns and disposes it.</summary>
    /// <exception cref="InvalidOperationException">Not complete yet.</exception>
    public ReceivedArchive TakeArchive()
    {
        if (!_complete)
        {
            throw new InvalidOperationException($"the archive is not complete: {_next} of {_total} chunks");
        }

        return _writer.Complete();
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();

    private static UpdateException Fail(string message) => new(UpdateStage.Receive, UpdateFailure.TransferFailed, message);
}
