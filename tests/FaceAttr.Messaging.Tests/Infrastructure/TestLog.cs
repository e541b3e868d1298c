using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace FaceAttr.Messaging.Tests;

/// <summary>Collects messaging log lines (and echoes them to the test output) so tests can fail on unexpected errors.</summary>
public sealed class TestLog(ITestOutputHelper? output = null) : IMessagingLog
{
    private readonly ConcurrentQueue<(MessagingLogLevel Level, string Message)> _lines = new();

    public IReadOnlyList<(MessagingLogLevel Level, string Message)> Lines => [.. _lines];

    public IEnumerable<string> At(MessagingLogLevel level) => _lines.Where(l => l.Level == level).Select(l => l.Message);

    public void Log(MessagingLogLevel level, string message, Exception? exception = null)
    {
        _lines.Enqueue((level, message));
        try
        {
            output?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {level}: {message}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; its output is closed.
        }
    }

    public void AssertNoErrors() =>
        Assert.True(!At(MessagingLogLevel.Error).Any(), "logged errors: " + string.Join(" | ", At(MessagingLogLevel.Error)));
}
