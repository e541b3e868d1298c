namespace FaceAttr.Messaging;

/// <summary>
/// The bounded, ordered queue between producers (any thread) and the publisher's single sending loop. A message stays at
/// the head while it is in flight and leaves only when the broker acknowledged it, so a lost connection loses nothing:
/// the loop sends the same head again after reconnecting. When full, the oldest message that is not in flight is
/// dropped and counted (Frigate-style explicit full-queue policy).
/// </summary>
internal sealed class OutboundQueue
{
    private readonly LinkedList<OutboundMessage> _items = new();
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private bool _headInFlight;
    private long _dropped;

    public OutboundQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Messages waiting, including one in flight.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Messages dropped because the queue was full (see <see cref="Clear"/> for shutdown losses).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Appends a message; false when an older one had to be dropped to make room.</summary>
    public bool Enqueue(OutboundMessage message)
    {
        lock (_gate)
        {
            var droppedOne = false;
            if (_items.Count >= _capacity)
            {
                // Never pull the message the loop is sending from under it, unless it is the only one.
                var victim = _headInFlight && _items.First!.Next is not null ? _items.First.Next : _items.First!;
                if (victim == _items.First)
                {
                    _headInFlight = false;
                }

                _items.Remove(victim);
                Interlocked.Increment(ref _dropped);
                droppedOne = true;
            }

            _items.AddLast(message);
            return !droppedOne;
        }
    }

    /// <summary>Takes the head for sending without removing it; false when empty.</summary>
    public bool TryBeginSend(out OutboundMessage? message)
    {
        lock (_gate)
        {
            message = _items.First?.Value;
            _headInFlight = message is not null;
            return message is not null;
        }
    }

    /// <summary>Removes <paramref name="message"/> after the broker acknowledged (or refused) it.</summary>
    public void CompleteSend(OutboundMessage message)
    {
        lock (_gate)
        {
            if (_items.First is { } first && ReferenceEquals(first.Value, message))
            {
                _items.RemoveFirst();
            }

            _headInFlight = false;
        }
    }

    /// <summary>The send failed (connection lost); the message stays at the head.</summary>
    public void AbortSend()
    {
        lock (_gate)
        {
            _headInFlight = false;
        }
    }

    /// <summary>Removes everything (shutdown) and returns how many messages that was.</summary>
    public int Clear()
    {
        lock (_gate)
        {
            var count = _items.Count;
            _items.Clear();
            _headInFlight = false;
            return count;
        }
    }
}
