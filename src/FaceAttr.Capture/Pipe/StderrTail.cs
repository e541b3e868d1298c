namespace FaceAttr.Capture;

/// <summary>The last N lines of a child's stderr, written from the process's event thread and read on failure.</summary>
internal sealed class StderrTail(int capacity)
{
    private readonly string[] _lines = new string[capacity];
    private readonly Lock _lock = new();
    private int _next;
    private int _count;

    public void Add(string line)
    {
        lock (_lock)
        {
            _lines[_next] = line.Length > 400 ? line[..400] + "…" : line;
            _next = (_next + 1) % _lines.Length;
            _count = Math.Min(_count + 1, _lines.Length);
        }
    }

    public string[] Snapshot()
    {
        lock (_lock)
        {
            var result = new string[_count];
            for (var i = 0; i < _count; i++)
            {
                result[i] = _lines[(_next - _count + i + _lines.Length) % _lines.Length];
            }

            return result;
        }
    }
}
