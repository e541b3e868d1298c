using System.Buffers;
using FaceAttr.Bundles.Updating;

namespace FaceAttr.Bundles.Transfer;

/// <summary>
/// Streams an archive from an HTTP(S) URL into a temp file with a size cap and a streamed sha256. Nothing is
/// unpacked here. The <see cref="HttpClient"/> is the caller's (not disposed here); set its timeout there.
/// </summary>
public sealed class BundleDownloader
{
    private readonly HttpClient _http;
    private readonly ReceiveOptions _options;

    /// <summary>Creates a downloader over a caller-owned client.</summary>
    public BundleDownloader(HttpClient http, ReceiveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _options = options ?? new ReceiveOptions();
        _options.Validate();
    }

    /// <summary>
    /// Downloads <paramref name="url"/> into a new file in <paramref name="tempFolder"/>. When
    /// <paramref name="expectedBytes"/> (the signed length) is given, more bytes are refused at once and
    /// fewer are reported as truncated.
    /// </summary>
    /// <returns>The received archive; the caller owns (and disposes) it.</returns>
    /// <exception cref="UpdateException">Stage receive: bad URL, HTTP error, too large, truncated, disk full.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the temp file is deleted.</exception>
    public async Task<ReceivedArchive> DownloadAsync(
        Uri url, string tempFolder, long? expectedBytes = null, IProgress<UpdateProgress>? progress = null,
        string? requestId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentException.ThrowIfNullOrEmpty(tempFolder);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new UpdateException(UpdateStage.Receive, UpdateFailure.TransferFailed, $"'{url}' is not an http(s) URL");
        }

        var (cap, capSource) = expectedBytes is { } e && e < _options.MaxBytes
            ? (e, "the signed length")
            : (_options.MaxBytes, "the size cap");
        if (expectedBytes > _options.MaxBytes)
        {
            throw new UpdateException(UpdateStage.Receive, UpdateFailure.TooLarge,
                $"archive is {expectedBytes} bytes, over the {_options.MaxBytes}-byte cap");
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new UpdateException(UpdateStage.Receive, UpdateFailure.TransferFailed, $"GET {Redact(url)} failed: {ex.Message}", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new UpdateException(UpdateStage.Receive, UpdateFailure.TransferFailed,
                    $"GET {Redact(url)} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            var announced = response.Content.Headers.ContentLength;
            if (announced > cap)
            {
                throw new UpdateException(UpdateStage.Receive, UpdateFailure.TooLarge,
                    $"server announces {announced} bytes, over {cap} ({capSource})");
            }

            var total = expectedBytes ?? announced;
            using var writer = new HashingFileWriter(tempFolder, _options, cap, capSource);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
                try
                {
                    var nextReport = 0L;
                    while (true)
                    {
                        int read;
                        try
                        {
                            read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is IOException or HttpRequestException)
                        {
                            throw new UpdateException(UpdateStage.Receive, UpdateFailure.Truncated,
                                $"download of {Redact(url)} broke off after {writer.Bytes} of {total?.ToString() ?? "?"} bytes: {ex.Message}", ex);
                        }

                        if (read == 0)
                        {
                            break;
                        }

                        writer.Write(buffer.AsSpan(0, read));
                        if (writer.Bytes >= nextReport)
                        {
                            progress?.Report(new UpdateProgress(requestId, UpdateStage.Receive, "downloading", writer.Bytes, total));
                            nextReport = writer.Bytes + _options.ProgressEveryBytes;
                        }
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            if (total is { } t && writer.Bytes < t)
            {
                throw new UpdateException(UpdateStage.Receive, UpdateFailure.Truncated,
                    $"download of {Redact(url)} ended after {writer.Bytes} of {t} bytes");
            }

            var archive = writer.Complete();
            progress?.Report(new UpdateProgress(requestId, UpdateStage.Receive, "downloaded", archive.Bytes, total ?? archive.Bytes));
            return archive;
        }
    }

    /// <summary>The URL without user info or query (which may carry tokens), for messages and logs.</summary>
    public static string Redact(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.IsAbsoluteUri ? url.GetLeftPart(UriPartial.Path) : url.ToString();
    }
}
