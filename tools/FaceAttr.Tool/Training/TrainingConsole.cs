using FaceAttr.Training.Native;
using FaceAttr.Training.Training;
using Spectre.Console;

namespace FaceAttr.Tool.Training;

/// <summary>The console side shared by the commands that run libtorch: starting it, and showing training progress.</summary>
internal static class TrainingConsole
{
    /// <summary>Loads libtorch with <paramref name="threads"/> threads, or prints why it cannot load here and returns null.</summary>
    public static TorchRuntimeInfo? StartTorch(int threads, string command)
    {
        try
        {
            var runtime = TorchRuntime.Initialize(threads);
            Console.Error.WriteLine($"{command}: {runtime}");
            return runtime;
        }
        catch (LibTorchCompatException ex)
        {
            Console.Error.WriteLine($"{command}: libtorch cannot load here: {ex.Message}");
            return null;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> with an observer: Spectre progress bars on a terminal, plain epoch lines when the
    /// output is redirected (CI logs, pipes), where live bars would only garble the log.
    /// </summary>
    public static T WithProgress<T>(Func<ITrainingObserver, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Console.IsOutputRedirected || Console.IsErrorRedirected)
        {
            return work(new SpectreTrainingObserver(null, Console.Out));
        }

        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx => result = work(new SpectreTrainingObserver(ctx, Console.Out)));
        return result;
    }
}
