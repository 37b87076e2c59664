using System.Collections.Concurrent;
using System.Net.Sockets;

namespace McpAspire.TokenTooling.Tests;

/// <summary>
/// The HTTP proxy the script's curl must use for every host but loopback (<see cref="Environment"/>): it forwards
/// nothing, records the request line (e.g. "CONNECT as.example.test:443 HTTP/1.1") and answers 502. The tests'
/// non-loopback hosts are made-up names that must never be contacted; this shows whether the script tried, and
/// keeps even a script that has regressed (or the original one) from sending anything off this machine.
/// </summary>
public sealed class ForeignTrafficTripwire : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<string> _attempts = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public ForeignTrafficTripwire()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy settings curl reads (curl ignores upper-case HTTP_PROXY, so ALL_PROXY covers http too).</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
    {
        ["ALL_PROXY"] = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}",
        ["NO_PROXY"] = "127.0.0.1,localhost",
    };

    /// <summary>The request line of every attempt to reach a host that is not loopback. A request is recorded before it is answered.</summary>
    public IReadOnlyList<string> Attempts => [.. _attempts];

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _accepting.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // stopped while waiting
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            using (client)
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                try
                {
                    _attempts.Enqueue(await reader.ReadLineAsync(_stop.Token) ?? "(a connection without a request)");
                    await stream.WriteAsync("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
                }
                catch (IOException)
                {
                    _attempts.Enqueue("(a connection that broke off)");
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
