using FaceAttr.Core.Bundles;
using FaceAttr.Vision.Analysis;
using FaceAttr.Vision.Models;
using Microsoft.Extensions.Options;

namespace FaceAttr.Daemon;

/// <summary>
/// The analyzer the pipeline runs and the bundle it came from. A new bundle is loaded off the frame thread
/// (<see cref="LoadAsync"/>), then handed over between two frames: the pipeline calls <see cref="TakeSwap"/> at the top
/// of its loop, so at most the frame in flight is analyzed with the old models and nothing is dropped.
/// </summary>
public sealed class ModelHost(IOptions<DaemonOptions> options) : IDisposable
{
    private readonly Lock _gate = new();
    private PendingSwap? _pending;
    private string? _initialFolder;

    /// <summary>The folder of the bundle the pipeline runs now (after its last swap).</summary>
    public string? ActiveFolder { get; private set; }

    /// <summary>The manifest of the bundle the pipeline runs now.</summary>
    public BundleManifest? ActiveManifest { get; private set; }

    /// <summary>Chooses the bundle the pipeline starts with (the update service's current slot); else the configured one.</summary>
    public void SetInitialFolder(string folder) => _initialFolder = folder;

    /// <summary>The bundle the pipeline starts with: the slot chosen by <see cref="SetInitialFolder"/>, else <see cref="DaemonOptions.Bundle"/>.</summary>
    public string InitialFolder => _initialFolder ?? DaemonPaths.ResolveBundle(options.Value);

    /// <summary>Creates the first analyzer, from <see cref="InitialFolder"/>.</summary>
    public FaceAnalyzer CreateInitial()
    {
        var folder = InitialFolder;
        var analyzer = Create(folder);
        Activate(folder, analyzer);
        return analyzer;
    }

    /// <summary>
    /// Loads <paramref name="folder"/> into a new analyzer (ONNX Runtime sessions checked against the manifest) and waits
    /// until the pipeline has switched to it. Throws what loading throws; the running analyzer is untouched then.
    /// </summary>
    public async Task LoadAsync(string folder, CancellationToken cancellationToken)
    {
        var analyzer = await Task.Run(() => Create(folder), cancellationToken).ConfigureAwait(false);
        var swap = new PendingSwap(folder, analyzer);
        lock (_gate)
        {
            _pending?.Cancel();
            _pending = swap;
        }

        using var registration = cancellationToken.Register(swap.Cancel);
        await swap.Taken.Task.ConfigureAwait(false);
    }

    /// <summary>Called by the pipeline between frames: the analyzer to switch to, if one is waiting.</summary>
    public FaceAnalyzer? TakeSwap()
    {
        PendingSwap? swap;
        lock (_gate)
        {
            swap = _pending;
            _pending = null;
        }

        if (swap is null || !swap.TryTake())
        {
            return null;
        }

        Activate(swap.Folder, swap.Analyzer);
        return swap.Analyzer;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _pending?.Cancel();
            _pending = null;
        }
    }

    private FaceAnalyzer Create(string folder) => new(folder, new AnalyzerOptions
    {
        DetectorModel = options.Value.Detector,
        Session = new SessionSettings { IntraOpThreads = options.Value.Threads },
    });

    private void Activate(string folder, FaceAnalyzer analyzer)
    {
        ActiveFolder = folder;
        ActiveManifest = analyzer.Manifest;
    }

    /// <summary>An analyzer waiting to be taken by the pipeline; disposed if it never is.</summary>
    private sealed class PendingSwap(string folder, FaceAnalyzer analyzer)
    {
        private int _state; // 0 waiting, 1 taken, 2 cancelled

        public string Folder => folder;

        public FaceAnalyzer Analyzer => analyzer;

        public TaskCompletionSource Taken { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryTake()
        {
            if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
            {
                return false;
            }

            Taken.TrySetResult();
            return true;
        }

        public void Cancel()
        {
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
            {
                analyzer.Dispose();
                Taken.TrySetCanceled();
            }
        }
    }
}
