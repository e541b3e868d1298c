namespace FaceAttr.Capture;

/// <summary>
/// Something that produces frames: a camera, a child process, a folder of images. Run it under a
/// <see cref="SourceSupervisor"/>, which restarts it when it fails.
/// </summary>
/// <remarks>
/// One run of a source is one call of <see cref="RunAsync"/>: it opens the device (or starts the process),
/// rents frames from <see cref="FrameChannel.Pool"/>, fills them and hands each to
/// <see cref="FrameChannel.TryWrite"/>, until its cancellation token fires (then it releases
/// everything and ends with <see cref="OperationCanceledException"/> or returns) or something breaks (then it
/// releases everything and throws <see cref="CaptureException"/>, or <see cref="CaptureUnavailableException"/>
/// when the device or program is missing). A source object may be run again after a run ended; runs never
/// overlap.
/// </remarks>
public interface IFrameSource
{
    /// <summary>A short name for logs and status, e.g. <c>v4l2:/dev/video0</c> or <c>pipe:ffmpeg</c>.</summary>
    string Name { get; }

    /// <summary>Produces frames into <paramref name="output"/> until cancelled or failed. See the type remarks for the contract.</summary>
    /// <param name="output">Where frames go; the channel takes ownership of each frame written.</param>
    /// <param name="cancellationToken">Ends the run.</param>
    /// <returns>A task that completes when the run has ended and released its device or process.</returns>
    Task RunAsync(FrameChannel output, CancellationToken cancellationToken);
}
