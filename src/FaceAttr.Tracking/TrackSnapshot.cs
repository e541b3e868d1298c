using FaceAttr.Core.Imaging;

namespace FaceAttr.Tracking;

/// <summary>
/// A followed face as the tracker sees it now, for annotated previews and status: its id, its latest box,
/// whether it has entered (is published as a person), how long it has been followed and whether it was
/// seen in the latest frame.
/// </summary>
/// <param name="TrackId">Track id (the one in events once <paramref name="Entered"/>).</param>
/// <param name="Box">Latest observed box in frame pixels.</param>
/// <param name="Entered">Whether <c>enter</c> was published for it.</param>
/// <param name="DwellSeconds">Seconds from its first to its latest sighting.</param>
/// <param name="SeenThisFrame">Whether a face of the latest frame was matched to it.</param>
public readonly record struct TrackSnapshot(long TrackId, BoxF Box, bool Entered, double DwellSeconds, bool SeenThisFrame);
