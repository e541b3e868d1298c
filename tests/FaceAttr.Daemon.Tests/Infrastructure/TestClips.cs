using System.Diagnostics;
using System.Globalization;
using FaceAttr.TestSupport;

namespace FaceAttr.Daemon.Tests;

/// <summary>
/// Short MJPEG clips made with ffmpeg from real faces, for the daemon's pipe source. Each is built once per test run in
/// a temp folder (a few MB) that is removed when the test process exits.
/// </summary>
public static class TestClips
{
    private static readonly string Folder = Path.Combine(Path.GetTempPath(), "faceattr-daemon-clips-" + Environment.ProcessId);
    private static readonly SemaphoreSlim Gate = new(1);

    // The clips are shared by every test in the run, so no single test can delete them; without this each run left its
    // folder behind in /tmp.
    static TestClips() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteFolder();

    private static void DeleteFolder()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    /// <summary>Frame size of every clip.</summary>
    public const int Width = 640;

    /// <summary>Frame height of every clip.</summary>
    public const int Height = 480;

    /// <summary>
    /// One person who changes: a UTKFace man of 35 for 3 s, then at the same place a UTKFace woman of 30 for 8 s (the
    /// track continues and its fused gender changes: an update), then 3 s of an empty scene (the person exits). Null when
    /// the real face data is absent outside CI.
    /// </summary>
    public static async Task<string?> ChangingPersonAsync()
    {
        var utk = TestPaths.DataOrFailInCi(Path.Combine("utkface", "images"));
        if (utk is null)
        {
            return null;
        }

        var man = First(utk, "35_0_0_");
        var woman = First(utk, "30_1_0_");
        return await SlideshowAsync("changing-person.avi", [(man, 3), (woman, 8), (null, 3)]);
    }

    /// <summary>
    /// One person standing still: the UTKFace man of 35 for 3 s (looped by the pipe source). For the emulated run, whose
    /// frames are many seconds apart: the face stays where it was, so the track holds whatever the gap. Null when the real
    /// face data is absent outside CI.
    /// </summary>
    public static async Task<string?> StillPersonAsync()
    {
        var utk = TestPaths.DataOrFailInCi(Path.Combine("utkface", "images"));
        return utk is null ? null : await SlideshowAsync("still-person.avi", [(First(utk, "35_0_0_"), 3)]);
    }

    /// <summary>The bundle's six group photos (22 faces), 2 s each: many people entering and leaving.</summary>
    public static Task<string> GroupPhotosAsync()
    {
        var samples = Path.Combine(TestPaths.RequireBundle(), "samples");
        return SlideshowAsync("group-photos.avi", [.. Enumerable.Range(1, 6).Select(i => ((string?)Path.Combine(samples, $"sample{i}.jpg"), 2))]);
    }

    /// <summary>Each picture (null: an empty grey scene) shown for its seconds at 5 fps, one after the other.</summary>
    private static Task<string> SlideshowAsync(string name, IReadOnlyList<(string? Image, int Seconds)> shots)
    {
        var args = new List<string>();
        var filter = new System.Text.StringBuilder();
        for (var i = 0; i < shots.Count; i++)
        {
            var (image, seconds) = shots[i];
            args.AddRange(image is null
                ? ["-f", "lavfi", "-t", seconds.ToString(CultureInfo.InvariantCulture), "-i", $"color=c=gray:s={Width}x{Height}:r=5"]
                : ["-loop", "1", "-framerate", "5", "-t", seconds.ToString(CultureInfo.InvariantCulture), "-i", image]);
            filter.Append(CultureInfo.InvariantCulture, $"[{i}]{Fit}[s{i}];");
        }

        for (var i = 0; i < shots.Count; i++)
        {
            filter.Append(CultureInfo.InvariantCulture, $"[s{i}]");
        }

        filter.Append(CultureInfo.InvariantCulture, $"concat=n={shots.Count}:v=1[v]");
        args.AddRange(["-filter_complex", filter.ToString(), "-map", "[v]"]);
        return BuildAsync(name, args);
    }

    // Each picture fitted into the frame without distortion, on a grey background.
    private static string Fit =>
        $"scale={Width}:{Height}:force_original_aspect_ratio=decrease,pad={Width}:{Height}:(ow-iw)/2:(oh-ih)/2:color=gray,setsar=1,fps=5";

    private static string First(string folder, string prefix) =>
        Directory.EnumerateFiles(folder, prefix + "*").Order(StringComparer.Ordinal).FirstOrDefault()
        ?? throw new InvalidOperationException($"no UTKFace image {prefix}* in {folder}");

    private static async Task<string> BuildAsync(string name, IReadOnlyList<string> inputAndFilter)
    {
        await Gate.WaitAsync();
        try
        {
            var path = Path.Combine(Folder, name);
            if (File.Exists(path))
            {
                return path;
            }

            Directory.CreateDirectory(Folder);
            var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true };
            foreach (var a in new[] { "-hide_banner", "-nostdin", "-loglevel", "error", "-y" }.Concat(inputAndFilter)
                .Concat(["-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj420p", path + ".tmp.avi"]))
            {
                start.ArgumentList.Add(a);
            }

            using var ffmpeg = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start (apt-get install ffmpeg)");
            var errors = await ffmpeg.StandardError.ReadToEndAsync();
            await ffmpeg.WaitForExitAsync();
            if (ffmpeg.ExitCode != 0)
            {
                throw new InvalidOperationException($"ffmpeg could not build {name}: {errors}");
            }

            File.Move(path + ".tmp.avi", path);
            return path;
        }
        finally
        {
            Gate.Release();
        }
    }
}
