using System.Security.Cryptography;
using FaceAttr.Bundles.Updating;

namespace FaceAttr.Bundles.Transfer;

/// <summary>
/// Writes received bytes to a new temp file while hashing them, refusing to grow past a cap. Owns the file
/// until <see cref="Complete"/> hands it over; disposing before that deletes it.
/// </summary>
internal sealed class HashingFileWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly Stream _data;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long _cap;
    private readonly string _capSource;
    private bool _handedOver;

    public HashingFileWriter(string folder, ReceiveOptions options, long cap, string capSource)
    {
        Directory.CreateDirectory(folder);
        Path = System.IO.Path.Combine(folder, $"incoming-{Guid.NewGuid():N}.part");
        _cap = cap;
        _capSource = capSource;
        try
        {
            _file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        }
        catch (IOException ex)
        {
            throw UpdateException.FromIo(UpdateStage.Receive, ex, $"cannot create {Path}");
        }

        _data = options.WrapWrite?.Invoke(_file) ?? _file;
    }

    public string Path { get; }

    public long Bytes { get; private set; }

    public void Write(ReadOnlySpan<byte> data)
    {
        if (Bytes + data.Length > _cap)
        {
            throw new UpdateException(UpdateStage.Receive, UpdateFailure.TooLarge,
                $"archive exceeds {_cap} bytes ({_capSource}); stopped after {Bytes + data.Length} bytes");
        }

        try
        {
            _data.Write(data);
        }
        catch (IOException ex)
        {
            throw UpdateException.FromIo(UpdateStage.Receive, ex, $"writing {Path}");
        }

        _hash.AppendData(data);
        Bytes += data.Length;
    }

    /// <summary>fsyncs and hands the file over; the writer no longer deletes it.</summary>
    public ReceivedArchive Complete()
    {
        try
        {
            _data.Flush();
            _file.Flush(flushToDisk: true);
        }
        catch (IOException ex)
        {
            throw UpdateException.FromIo(UpdateStage.Receive, ex, $"writing {Path}");
        }

        var sha = Convert.ToHexStringLower(_hash.GetHashAndReset());
        CloseFile();
        _handedOver = true;
        return new ReceivedArchive(Path, Bytes, sha);
    }

    public void Dispose()
    {
        CloseFile();
        _hash.Dispose();
        if (!_handedOver)
        {
            try
            {
                File.Delete(Path);
            }
            catch (IOException)
            {
                // Best effort; recovery sweeps *.part leftovers.
            }
        }
    }

    private void CloseFile()
    {
        try
        {
            if (!ReferenceEquals(_data, _file))
            {
                _data.Dispose();
            }

            _file.Dispose();
        }
        catch (IOException)
        {
            // Closing after a failed write may fail again (ENOSPC on flush); the file is deleted next.
        }
    }
}
