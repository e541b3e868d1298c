using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FaceAttr.Training.Alignment;
using FaceAttr.Vision.Imaging;

namespace FaceAttr.Training.Data;

/// <summary>Where and how <see cref="CropCache"/> aligns and stores crops.</summary>
public sealed record CropCacheOptions
{
    /// <summary>The model bundle holding the detector (<c>artifacts/models/default</c>).</summary>
    public required string BundleFolder { get; init; }

    /// <summary>Folder for cache files (default <c>~/.cache/faceattr/crops</c>).</summary>
    public string CacheFolder { get; init; } = Path.Combine(Native.LibStdCxxCompat.CacheRoot(), "crops");

    /// <summary>Network input side in pixels; crops are stored at <see cref="FaceCrops.SideFor"/> of it.</summary>
    public int InputSize { get; init; } = 64;

    /// <summary>Crop side as a multiple of the detected face box (the model's manifest <c>crop_scale</c>; default <see cref="FaceCrops.DefaultCropScale"/>).</summary>
    public float CropScale { get; init; } = FaceCrops.DefaultCropScale;

    /// <summary>Detector model id in the bundle.</summary>
    public string DetectorModel { get; init; } = "blazeface-back";

    /// <summary>Worker threads (one detector each), default the core count.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}

/// <summary>An image that could not be used, with the reason (corrupt, unreadable).</summary>
/// <param name="ImagePath">The file.</param>
/// <param name="Reason">Why.</param>
public sealed record CropFailure(string ImagePath, string Reason);

/// <summary>The crops for a list of samples, and how they were made.</summary>
/// <param name="Crops">One crop per sample, in sample order (failed ones are black).</param>
/// <param name="Usable">Per sample: false when the image failed to decode.</param>
/// <param name="Detected">Crops framed by a detection.</param>
/// <param name="WholeImage">Crops framed as the whole image (no detection).</param>
/// <param name="Failures">Images that failed, with reasons.</param>
/// <param name="FromCache">Datasets whose crops were read from the cache rather than computed.</param>
public sealed record CropSet(FaceCrops Crops, bool[] Usable, int Detected, int WholeImage, IReadOnlyList<CropFailure> Failures, IReadOnlyList<string> FromCache);

/// <summary>
/// Aligns every sample's face once (<see cref="FaceAligner"/>) and keeps the crops on disk, one file per dataset keyed by
/// the image list (path, size, modification time), the crop geometry and the detector's sha256 — so repeated runs skip
/// detection, and any change to the inputs makes a new file. Corrupt images are counted and listed, never fatal.
/// </summary>
public static class CropCache
{
    // 2: crops framed at CropScale × Margin, so the centre InputSize window is the device crop (1 framed CropScale into
    // the whole enlarged side: the network saw box × 1.244 where the device feeds box × 1.4).
    private const int FormatVersion = 2;
    private static readonly byte[] Magic = "FACROPS1"u8.ToArray();

    /// <summary>Loads or builds the crops of <paramref name="samples"/>. <paramref name="progress"/> gets (done, total) per image aligned.</summary>
    public static CropSet Load(IReadOnlyList<TrainingSample> samples, CropCacheOptions options, Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(options);
        var side = FaceCrops.SideFor(options.InputSize);
        var itemBytes = side * side * 3;
        var pixels = new byte[(long)samples.Count * itemBytes];
        var usable = new bool[samples.Count];
        var failures = new List<CropFailure>();
        var fromCache = new List<string>();
        int detected = 0, whole = 0, done = 0;
        Directory.CreateDirectory(options.CacheFolder);
        string? detectorSha = null;

        foreach (var group in samples.Select((s, i) => (s, i)).GroupBy(p => p.s.Dataset, StringComparer.Ordinal))
        {
            var indices = group.Select(p => p.i).ToArray();
            detectorSha ??= ReadDetectorSha(options);
            var key = Key(group.Select(p => p.s.ImagePath), side, options, detectorSha);
            var file = Path.Combine(options.CacheFolder, $"{Sanitize(group.Key)}-{key}.crops");
            if (TryRead(file, indices, itemBytes, pixels, usable, out var cached))
            {
                fromCache.Add(group.Key);
                detected += cached.Detected;
                whole += cached.WholeImage;
                failures.AddRange(cached.Failures);
                done += indices.Length;
                progress?.Invoke(done, samples.Count);
                continue;
            }

            var paths = new byte[indices.Length];
            var groupFailures = new ConcurrentBag<CropFailure>();
            // One aligner (detector session) per worker thread, made once: Parallel.For's per-task state would open many.
            var next = -1;
            var workers = Enumerable.Range(0, Math.Max(1, options.Threads)).Select(_ => Task.Run(() =>
            {
                using var aligner = new FaceAligner(options.BundleFolder, options.DetectorModel);
                for (var j = Interlocked.Increment(ref next); j < indices.Length; j = Interlocked.Increment(ref next))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var index = indices[j];
                    var path = samples[index].ImagePath;
                    try
                    {
                        var image = ImageDecoder.Load(path);
                        // The stored square is Margin × the device crop, so its centre InputSize window is the device crop exactly.
                        var how = aligner.Crop(image, options.CropScale * side / options.InputSize, side, pixels.AsSpan((int)((long)index * itemBytes), itemBytes));
                        paths[j] = how == AlignmentPath.Detected ? (byte)1 : (byte)2;
                    }
                    catch (Exception ex) when (ex is ImageDecodeException or IOException or UnauthorizedAccessException)
                    {
                        groupFailures.Add(new CropFailure(path, ex.Message));
                    }

                    progress?.Invoke(Interlocked.Increment(ref done), samples.Count);
                }
            }, cancellationToken)).ToArray();
            Task.WaitAll(workers, cancellationToken);

            var sortedFailures = groupFailures.OrderBy(f => f.ImagePath, StringComparer.Ordinal).ToList();
            for (var j = 0; j < indices.Length; j++)
            {
                usable[indices[j]] = paths[j] != 0;
            }

            var stats = new CachedStats(paths.Count(p => p == 1), paths.Count(p => p == 2), sortedFailures);
            detected += stats.Detected;
            whole += stats.WholeImage;
            failures.AddRange(sortedFailures);
            Write(file, indices, itemBytes, pixels, paths, stats);
        }

        return new CropSet(new FaceCrops(pixels, side, samples.Count), usable, detected, whole, failures, fromCache);
    }

    private static string ReadDetectorSha(CropCacheOptions options)
    {
        var manifest = FaceAttr.Core.Bundles.ManifestSerializer.ReadFromFolder(options.BundleFolder);
        return manifest.Models.FirstOrDefault(m => m.Id == options.DetectorModel)?.Sha256
            ?? throw new FaceAttr.Core.Bundles.BundleFormatException($"the bundle in {options.BundleFolder} has no model '{options.DetectorModel}'");
    }

    private static string Key(IEnumerable<string> paths, int side, CropCacheOptions options, string detectorSha)
    {
        var text = new StringBuilder();
        text.Append(FormatVersion).Append('|').Append(side).Append('|')
            .Append(options.CropScale.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append('|')
            .Append(options.DetectorModel).Append('|').Append(detectorSha).Append('\n');
        foreach (var path in paths)
        {
            var info = new FileInfo(path);
            text.Append(path).Append('|').Append(info.Exists ? info.Length : -1).Append('|')
                .Append(info.Exists ? info.LastWriteTimeUtc.Ticks : 0).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    private static string Sanitize(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    private sealed record CachedStats(int Detected, int WholeImage, List<CropFailure> Failures);

    private static void Write(string file, int[] indices, int itemBytes, byte[] pixels, byte[] paths, CachedStats stats)
    {
        var temp = $"{file}.{Environment.ProcessId}.tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(indices.Length);
            writer.Write(itemBytes);
            writer.Write(paths);
            for (var j = 0; j < indices.Length; j++)
            {
                writer.Write(pixels, (int)((long)indices[j] * itemBytes), itemBytes);
            }

            var json = JsonSerializer.SerializeToUtf8Bytes(stats);
            writer.Write(json.Length);
            writer.Write(json);
        }

        File.Move(temp, file, overwrite: true);
    }

    private static bool TryRead(string file, int[] indices, int itemBytes, byte[] pixels, bool[] usable, out CachedStats stats)
    {
        stats = new CachedStats(0, 0, []);
        if (!File.Exists(file))
        {
            return false;
        }

        try
        {
            using var stream = File.OpenRead(file);
            using var reader = new BinaryReader(stream);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != indices.Length || reader.ReadInt32() != itemBytes)
            {
                return false;
            }

            var paths = reader.ReadBytes(indices.Length);
            for (var j = 0; j < indices.Length; j++)
            {
                stream.ReadExactly(pixels, (int)((long)indices[j] * itemBytes), itemBytes);
                usable[indices[j]] = paths[j] != 0;
            }

            var json = reader.ReadBytes(reader.ReadInt32());
            stats = JsonSerializer.Deserialize<CachedStats>(json) ?? stats;
            return true;
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or JsonException)
        {
            // A truncated or stale file: rebuild it.
            return false;
        }
    }
}
