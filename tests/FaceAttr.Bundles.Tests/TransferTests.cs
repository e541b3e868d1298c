using System.Security.Cryptography;
using FaceAttr.Bundles.Transfer;
using FaceAttr.Bundles.Updating;

namespace FaceAttr.Bundles.Tests;

public sealed class TransferTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly byte[] _payload = RandomNumberGenerator.GetBytes(700_000);
    private readonly TestHttpServer _server;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public TransferTests() => _server = new TestHttpServer(_payload);

    public void Dispose()
    {
        _http.Dispose();
        _server.Dispose();
        _temp.Dispose();
    }

    private string Sha => Convert.ToHexStringLower(SHA256.HashData(_payload));

    [Theory]
    [InlineData("full")]
    [InlineData("chunked")]
    public async Task DownloadStreamsIntoATempFileWithItsSha256(string path)
    {
        var progress = new List<UpdateProgress>();
        using var archive = await new BundleDownloader(_http).DownloadAsync(_server.Url(path), _temp.Path, _payload.Length,
            new SyncProgress(progress), "req-1");
        Assert.Equal(Sha, archive.Sha256);
        Assert.Equal(_payload, File.ReadAllBytes(archive.Path));
        Assert.All(progress, p => Assert.Equal("req-1", p.RequestId));
        Assert.Equal(1.0, progress[^1].Fraction);
    }

    [Fact]
    public async Task TruncatedDownloadIsNamedAndLeavesNoFile()
    {
        var ex = await Assert.ThrowsAsync<UpdateException>(() => new BundleDownloader(_http).DownloadAsync(_server.Url("truncated"), _temp.Path));
        Assert.Equal(UpdateFailure.Truncated, ex.Failure);
        Assert.Contains($"of {_payload.Length} bytes", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public async Task SizeCapStopsAnnouncedAndUnannouncedOversizedBodies()
    {
        var downloader = new BundleDownloader(_http, new ReceiveOptions { MaxBytes = 100_000 });
        var announced = await Assert.ThrowsAsync<UpdateException>(() => downloader.DownloadAsync(_server.Url("full"), _temp.Path));
        Assert.Equal(UpdateFailure.TooLarge, announced.Failure);
        Assert.Contains("server announces 700000 bytes", announced.Message, StringComparison.Ordinal);

        var streamed = await Assert.ThrowsAsync<UpdateException>(() => downloader.DownloadAsync(_server.Url("chunked"), _temp.Path));
        Assert.Equal(UpdateFailure.TooLarge, streamed.Failure);
        Assert.Empty(Directory.GetFiles(_temp.Path));

        var signed = await Assert.ThrowsAsync<UpdateException>(() => new BundleDownloader(_http).DownloadAsync(_server.Url("chunked"), _temp.Path, 1000));
        Assert.Contains("the signed length", signed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpErrorsAndBadSchemesAreTransferFailures()
    {
        var downloader = new BundleDownloader(_http);
        var missing = await Assert.ThrowsAsync<UpdateException>(() => downloader.DownloadAsync(new Uri(_server.BaseUrl, "missing?token=secret"), _temp.Path));
        Assert.Equal(UpdateFailure.TransferFailed, missing.Failure);
        Assert.Contains("404", missing.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", missing.Message, StringComparison.Ordinal);
        var file = await Assert.ThrowsAsync<UpdateException>(() => downloader.DownloadAsync(new Uri("file:///etc/passwd"), _temp.Path));
        Assert.Equal(UpdateFailure.TransferFailed, file.Failure);
    }

    [Fact]
    public async Task DiskFullWhileDownloadingIsNamed()
    {
        var downloader = new BundleDownloader(_http, new ReceiveOptions { WrapWrite = Fixtures.DiskFullAfter(200_000) });
        var ex = await Assert.ThrowsAsync<UpdateException>(() => downloader.DownloadAsync(_server.Url("full"), _temp.Path));
        Assert.Equal(UpdateFailure.DiskFull, ex.Failure);
        Assert.Contains("disk full", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void ChunksInOrderWithRedeliveriesAssembleTheArchive()
    {
        var chunks = _payload.Chunk(100_000).ToArray();
        using var receiver = new ChunkedBundleReceiver(_temp.Path, expectedBytes: _payload.Length);
        for (var i = 0; i < chunks.Length; i++)
        {
            var outcome = receiver.Accept(i, chunks.Length, chunks[i]);
            Assert.Equal(i == chunks.Length - 1 ? ChunkOutcome.Complete : ChunkOutcome.Accepted, outcome);
            if (i > 0)
            {
                Assert.Equal(ChunkOutcome.Duplicate, receiver.Accept(i - 1, chunks.Length, chunks[i - 1])); // QoS 1 redelivery
            }
        }

        using var archive = receiver.TakeArchive();
        Assert.Equal(Sha, archive.Sha256);
        Assert.Equal(_payload, File.ReadAllBytes(archive.Path));
    }

    [Fact]
    public void AGapFailsTheTransferAndNamesTheMissingChunk()
    {
        using var receiver = new ChunkedBundleReceiver(_temp.Path);
        receiver.Accept(0, 5, [1, 2, 3]);
        var ex = Assert.Throws<UpdateException>(() => receiver.Accept(2, 5, [4]));
        Assert.Equal(UpdateFailure.Truncated, ex.Failure);
        Assert.Contains("chunk 1 is missing", ex.Message, StringComparison.Ordinal);
        Assert.Throws<UpdateException>(() => receiver.Accept(1, 5, [4])); // stays failed
    }

    [Fact]
    public void ChangedTotalOversizeAndShortTotalsFail()
    {
        using (var receiver = new ChunkedBundleReceiver(_temp.Path))
        {
            receiver.Accept(0, 5, [1]);
            Assert.Equal(UpdateFailure.TransferFailed, Assert.Throws<UpdateException>(() => receiver.Accept(1, 6, [1])).Failure);
        }

        using (var receiver = new ChunkedBundleReceiver(_temp.Path, new ReceiveOptions { MaxBytes = 10 }))
        {
            receiver.Accept(0, 3, new byte[6]);
            Assert.Equal(UpdateFailure.TooLarge, Assert.Throws<UpdateException>(() => receiver.Accept(1, 3, new byte[6])).Failure);
        }

        using (var receiver = new ChunkedBundleReceiver(_temp.Path, expectedBytes: 10))
        {
            receiver.Accept(0, 2, new byte[4]);
            Assert.Equal(UpdateFailure.Truncated, Assert.Throws<UpdateException>(() => receiver.Accept(1, 2, new byte[4])).Failure);
        }

        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    /// <summary>IProgress that records synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(List<UpdateProgress> sink) : IProgress<UpdateProgress>
    {
        public void Report(UpdateProgress value)
        {
            lock (sink)
            {
                sink.Add(value);
            }
        }
    }
}
