namespace FaceAttr.Datasets;

/// <summary>Reads one kind of labeled face set from a folder.</summary>
public interface ILabeledSetReader
{
    /// <summary>Short name of the set (<c>celeba</c>, <c>utkface</c>, <c>expressions</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Reads the set in <paramref name="folder"/>. Faces come sorted by file name so that
    /// <paramref name="limit"/> (the first N usable faces; null for all) gives the same faces on every run.
    /// </summary>
    /// <exception cref="DatasetException">The folder or the label file is missing, unreadable or malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is zero or negative.</exception>
    DatasetReadResult Read(string folder, int? limit);
}
