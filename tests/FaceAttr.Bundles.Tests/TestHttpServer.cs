using System.Net;
using System.Net.Sockets;

namespace FaceAttr.Bundles.Tests;

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener, free port) serving one payload in several ways:
/// <c>/full</c>, <c>/truncated</c> (announces the length, sends half, drops the connection),
/// <c>/chunked</c> (no Content-Length), <c>/missing</c> (404).
/// </summary>
public sealed class TestHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _payload;
    private readonly Task _loop;

    public TestHttpServer(byte[] payload)
    {
        _payload = payload;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUrl.ToString());
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseUrl { get; }

    public Uri Url(string path) => new(BaseUrl, path);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            switch (context.Request.Url!.AbsolutePath)
            {
                case "/full":
                    response.ContentLength64 = _payload.Length;
                    await response.OutputStream.WriteAsync(_payload);
                    response.Close();
                    break;
                case "/truncated":
                    response.ContentLength64 = _payload.Length;
                    await response.OutputStream.WriteAsync(_payload.AsMemory(0, _payload.Length / 2));
                    await response.OutputStream.FlushAsync();
                    response.Abort(); // drop the connection mid-body
                    break;
                case "/chunked":
                    response.SendChunked = true;
                    for (var i = 0; i < _payload.Length; i += 65536)
                    {
                        await response.OutputStream.WriteAsync(_payload.AsMemory(i, Math.Min(65536, _payload.Length - i)));
                    }

                    response.Close();
                    break;
                default:
                    response.StatusCode = 404;
                    response.Close();
                    break;
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client hung up early (size cap tests); nothing to serve any more.
            response.Abort();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
