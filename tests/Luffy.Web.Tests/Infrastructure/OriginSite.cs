using System.Net.Sockets;
using System.Text;

namespace Luffy.Web.Tests.Infrastructure;

/// <summary>
/// A web site on its own loopback port, so its pages are another origin than the app's: it answers every request
/// with one page whose script calls the API with <c>fetch</c>, as the tutorial's Vue client does.
/// </summary>
/// <remarks>
/// A bare socket rather than a second ASP.NET Core host: WebApplicationFactory finds the app's host by listening
/// to every host built in the process while the app starts, and the test classes start apps in parallel.
/// </remarks>
public sealed class OriginSite : IAsyncDisposable
{
    /// <summary>
    /// <c>api(method, url, body, token, headers)</c> as the client calls the API: JSON, <c>Authorization: jwt …</c>.
    /// Resolves to the status, the exposed <c>X-Unavailable-Courses</c> and the body, or to the error when the browser
    /// refused the answer (CORS).
    /// </summary>
    private const string Page = """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>路飞学城 Vue 客户端</title></head>
        <body><script>
        window.api = async function (method, url, body, token, headers) {
            const init = { method: method, headers: Object.assign({}, headers || {}) };
            if (token) init.headers["Authorization"] = "jwt " + token;
            if (body !== null && body !== undefined) {
                init.headers["Content-Type"] = "application/json";
                init.body = JSON.stringify(body);
            }
            try {
                const response = await fetch(url, init);
                return JSON.stringify({ status: response.status, unavailable: response.headers.get("X-Unavailable-Courses"), body: await response.text() });
            } catch (e) {
                return JSON.stringify({ error: String(e) });
            }
        };
        </script></body></html>
        """;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;

    public OriginSite()
    {
        _listener.Start();
        Origin = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _serving = ServeAsync();
    }

    /// <summary><c>http://127.0.0.1:port</c>, as a browser names this site's origin.</summary>
    public string Origin { get; }

    private async Task ServeAsync()
    {
        var body = Encoding.UTF8.GetBytes(Page);
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        var stream = client.GetStream();
                        var request = new StringBuilder();
                        var buffer = new byte[4096];
                        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                        {
                            var read = await stream.ReadAsync(buffer);
                            if (read == 0)
                                return;
                            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                        }
                        await stream.WriteAsync(head);
                        await stream.WriteAsync(body);
                    }
                    catch (IOException)
                    {
                        // The browser gave up on the connection (a speculative one, or the page closed).
                    }
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving;
        _stop.Dispose();
    }
}
