using System.Net;

namespace FaceAttr.Tool.Deploy;

/// <summary>
/// Serves one bundle archive over HTTP while a rollout runs, for sites where the devices can reach the operator's machine
/// but no web server holds the bundle (<c>faceattr deploy --serve http://10.0.0.5:8088/</c>). Read-only; one path.
/// </summary>
public sealed class ArchiveServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _archive;
    private readonly string _path;

    /// <summary>Starts listening on <paramref name="prefix"/> (an http:// URL ending in '/').</summary>
    public ArchiveServer(Uri prefix, string archive)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        _archive = archive;
        _path = "/" + Uri.EscapeDataString(Path.GetFileName(archive));
        _listener.Prefixes.Add(prefix.ToString());
        _listener.Start();
        Url = new Uri(prefix, _path.TrimStart('/'));
        _ = Task.Run(ServeAsync);
    }

    /// <summary>The archive's URL as the devices fetch it.</summary>
    public Uri Url { get; }

    /// <summary>How many downloads completed.</summary>
    public int Downloads { get; private set; }

    /// <inheritdoc />
    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            if (context.Request.Url?.AbsolutePath != _path)
            {
                response.StatusCode = 404;
                return;
            }

            await using var file = File.OpenRead(_archive);
            response.ContentLength64 = file.Length;
            await file.CopyToAsync(response.OutputStream).ConfigureAwait(false);
            Downloads++;
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException)
        {
            // The device dropped the connection; it retries the update or reports the truncated download itself.
        }
        finally
        {
            response.Close();
        }
    }
}
