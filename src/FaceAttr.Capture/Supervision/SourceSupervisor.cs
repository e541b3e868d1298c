using System.Diagnostics;

namespace FaceAttr.Capture;

/// <summary>
/// Runs one <see cref="IFrameSource"/> for as long as the daemon runs: starts it, watches that frames arrive,
/// and when it fails, stalls or ends, restarts it after an exponential backoff under a rate cap. Exposes
/// <see cref="State"/> for the status topic. It never throws because a camera went away; only cancellation
/// ends <see cref="RunAsync"/>.
/// </summary>
/// <remarks>
/// Failures are classified by exception: <see cref="CaptureUnavailableException"/> gives
/// <see cref="SourceStatus.Unavailable"/>; anything else (including a stall the supervisor detects itself, a
/// source that returns, or an unexpected exception type, which is logged as an error) gives
/// <see cref="SourceStatus.Restarting"/>. Every restart is counted in <see cref="FrameChannel.Counters"/>.
/// One supervisor per source and per channel: the supervisor reads the channel's counters to see frames arrive.
/// The supervisor does not own the source or the channel.
/// </remarks>
public sealed class SourceSupervisor
{
    private readonly IFrameSource _source;
    private readonly FrameChannel _output;
    private readonly SupervisorOptions _options;
    private readonly ICaptureLog _log;
    private readonly RestartPolicy _policy;
    private readonly long _origin = Stopwatch.GetTimestamp();
    private SourceState _state;
    private long _restarts;
    private string? _lastLoggedReason;
    private int _running;

    /// <summary>Creates a supervisor; nothing runs until <see cref="RunAsync"/>.</summary>
    /// <param name="source">The source to run.</param>
    /// <param name="output">The channel the source writes to.</param>
    /// <param name="options">Backoff, rate cap and watchdog timeouts; null for the defaults.</param>
    /// <param name="log">Where restarts are logged; null to discard.</param>
    public SourceSupervisor(IFrameSource source, FrameChannel output, SupervisorOptions? options = null, ICaptureLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(output);
        _source = source;
        _output = output;
        _options = options ?? new SupervisorOptions();
        _options.Validate();
        _log = log ?? NullCaptureLog.Instance;
        _policy = new RestartPolicy(_options);
        _state = new SourceState(source.Name, SourceStatus.Stopped, null, 0, DateTimeOffset.UtcNow, null);
    }

    /// <summary>Raised on the supervisor's task when <see cref="SourceState.Status"/> or <see cref="SourceState.Reason"/> changes. Handlers must be quick; an exception from one is logged and ignored.</summary>
    public event EventHandler<SourceState>? StateChanged;

    /// <summary>The current state.</summary>
    public SourceState State => Volatile.Read(ref _state);

    /// <summary>Restarts so far.</summary>
    public long Restarts => Interlocked.Read(ref _restarts);

    /// <summary>Runs the source until <paramref name="cancellationToken"/> fires, then stops it and returns (without throwing).</summary>
    /// <exception cref="InvalidOperationException">The supervisor is already running.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException($"the supervisor of {_source.Name} is already running");
        }

        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var outcome = await RunOnceAsync(cancellationToken).ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                var restarts = Interlocked.Increment(ref _restarts);
                _output.ReportRestart();
                if (outcome.Error)
                {
                    _output.ReportError();
                }

                var delay = _policy.NextDelay(Now, outcome.Healthy);
                SetState(outcome.Unavailable ? SourceStatus.Unavailable : SourceStatus.Restarting, outcome.Reason, DateTimeOffset.UtcNow + delay);
                LogFailure(outcome, restarts, delay);
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            SetState(SourceStatus.Stopped, null, null);
            Volatile.Write(ref _running, 0);
        }
    }

    private TimeSpan Now => Stopwatch.GetElapsedTime(_origin);

    private async Task<RunOutcome> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (State.Status != SourceStatus.Unavailable)
        {
            // An unavailable source stays "unavailable" across retries until a frame arrives, so the status
            // topic does not flap on every retry of a missing camera.
            SetState(SourceStatus.Starting, null, null);
        }

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var baseline = _output.FramesIn;
        long firstFrameAt = 0;
        string? watchdogReason = null;

        Task run;
        try
        {
            run = _source.RunAsync(_output, attempt.Token);
        }
#pragma warning disable CA1031 // The supervisor exists to survive any failure of a source; it is reported, never swallowed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            run = Task.FromException(ex);
        }

        while (!run.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            await Task.WhenAny(run, Task.Delay(_options.CheckInterval, cancellationToken)).ConfigureAwait(false);
            var now = Stopwatch.GetTimestamp();
            if (_output.FramesIn > baseline && firstFrameAt == 0)
            {
                firstFrameAt = now;
                SetState(SourceStatus.Running, null, null);
            }

            if (firstFrameAt == 0 && Stopwatch.GetElapsedTime(started, now) > _options.StartTimeout)
            {
                watchdogReason = $"no first frame within {_options.StartTimeout.TotalSeconds:0.###} s";
            }
            else if (firstFrameAt != 0 && Stopwatch.GetElapsedTime(_output.LastWriteTimestamp, now) > _options.StallTimeout)
            {
                watchdogReason = $"stalled: no frame for {_options.StallTimeout.TotalSeconds:0.###} s";
            }

            if (watchdogReason is not null)
            {
                await attempt.CancelAsync().ConfigureAwait(false);
                break;
            }
        }

        if (cancellationToken.IsCancellationRequested)
        {
            await attempt.CancelAsync().ConfigureAwait(false);
        }

        var healthy = firstFrameAt != 0 && Stopwatch.GetElapsedTime(firstFrameAt) >= _options.HealthyRun;
        try
        {
            await run.WaitAsync(_options.StopTimeout, CancellationToken.None).ConfigureAwait(false);
            return new RunOutcome(watchdogReason ?? "the source ended its stream", false, healthy, watchdogReason is not null, null);
        }
        catch (TimeoutException)
        {
            // The run ignored cancellation; leave it behind rather than block the daemon, and say so loudly.
            _log.Log(CaptureLogLevel.Error, _source.Name, $"did not stop within {_options.StopTimeout.TotalSeconds:0.###} s of being cancelled; abandoned");
            return new RunOutcome(watchdogReason ?? "did not stop when cancelled", false, healthy, true, null);
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested)
        {
            return new RunOutcome(watchdogReason ?? "cancelled", false, healthy, true, null);
        }
        catch (CaptureUnavailableException ex)
        {
            return new RunOutcome(ex.Message, true, healthy, true, null);
        }
        catch (CaptureException ex)
        {
            return new RunOutcome(ex.Message, false, healthy, true, null);
        }
#pragma warning disable CA1031 // See above: an unexpected failure of a source is a restart, logged as an error with its stack.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new RunOutcome($"{ex.GetType().Name}: {ex.Message}", false, healthy, true, ex);
        }
    }

    private void LogFailure(RunOutcome outcome, long restarts, TimeSpan delay)
    {
        var message = $"{(outcome.Unavailable ? "unavailable" : "restarting")} (restart {restarts}, next try in {delay.TotalSeconds:0.###} s): {outcome.Reason}";
        if (outcome.Unexpected is not null)
        {
            _log.Log(CaptureLogLevel.Error, _source.Name, message, outcome.Unexpected);
        }
        else if (outcome.Reason != _lastLoggedReason)
        {
            _log.Log(CaptureLogLevel.Warning, _source.Name, message);
        }
        else
        {
            // The same reason again (a camera still missing): keep the log quiet.
            _log.Log(CaptureLogLevel.Debug, _source.Name, message);
        }

        _lastLoggedReason = outcome.Reason;
    }

    private void SetState(SourceStatus status, string? reason, DateTimeOffset? nextAttempt)
    {
        var previous = State;
        var changed = previous.Status != status || previous.Reason != reason;
        var state = new SourceState(_source.Name, status, reason, Restarts, changed ? DateTimeOffset.UtcNow : previous.Since, nextAttempt);
        Volatile.Write(ref _state, state);
        if (status == SourceStatus.Running)
        {
            _lastLoggedReason = null;
        }

        if (!changed)
        {
            return;
        }

        if (status is SourceStatus.Running or SourceStatus.Stopped)
        {
            _log.Log(CaptureLogLevel.Information, _source.Name, status == SourceStatus.Running ? "running" : "stopped");
        }

        try
        {
            StateChanged?.Invoke(this, state);
        }
#pragma warning disable CA1031 // A faulty status handler must not stop the capture.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _log.Log(CaptureLogLevel.Error, _source.Name, "a StateChanged handler threw", ex);
        }
    }

    private readonly record struct RunOutcome(string Reason, bool Unavailable, bool Healthy, bool Error, Exception? Unexpected);
}
