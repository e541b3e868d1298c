namespace FaceAttr.Datasets;

/// <summary>
/// A labeled set cannot be read at all: its folder or label file is missing, or the label file is malformed
/// (bad header). The message names the file and, where there is one, the line.
/// Problems with single entries are not exceptions; readers report them in <see cref="DatasetReadResult.Skipped"/>.
/// </summary>
public sealed class DatasetException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatasetException() { }

    /// <summary>Creates the exception with a message.</summary>
    public DatasetException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DatasetException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Creates the exception for <paramref name="path"/> (and <paramref name="line"/>, 1-based, when known).</summary>
    public DatasetException(string path, int? line, string reason, Exception? inner = null)
        : base(line is { } l ? $"{path}:{l}: {reason}" : $"{path}: {reason}", inner)
    {
        FilePath = path;
        Line = line;
    }

    /// <summary>The folder or file that is missing or malformed, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The 1-based line of <see cref="FilePath"/>, when the problem is on one line.</summary>
    public int? Line { get; }
}
