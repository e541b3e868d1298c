namespace FaceAttr.Tool.Tests;

/// <summary>A fresh folder under the system temp folder, deleted on dispose; fixtures are written into it by the tests.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "faceattr-eval-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Creates a sub-folder and returns its path.</summary>
    public string Folder(params string[] parts)
    {
        var dir = System.IO.Path.Combine([Path, .. parts]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Writes <paramref name="text"/> to a file under the folder and returns its path.</summary>
    public string Write(string relative, string text)
    {
        var path = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Creates placeholder image files (the readers only check that they exist; nothing decodes them).</summary>
    public static void Touch(string folder, params string[] names)
    {
        Directory.CreateDirectory(folder);
        foreach (var name in names)
        {
            File.WriteAllBytes(System.IO.Path.Combine(folder, name), [0xFF, 0xD8, 0xFF]);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test on clean-up.
        }
    }
}
