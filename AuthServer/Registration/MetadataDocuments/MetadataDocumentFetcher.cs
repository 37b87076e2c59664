using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace McpAspire.AuthServer.Registration.MetadataDocuments;

/// <summary>A fetched document and how long it may be kept, or why it could not be fetched.</summary>
public sealed record FetchedDocument(byte[]? Content, TimeSpan CacheFor, string? Failure);

/// <summary>
/// Fetches Client ID Metadata Documents under strict limits: a time limit on the whole exchange, a size
/// limit read-bounded (not trusted from Content-Length), no redirects, no proxy, no cookies, and a connect
/// step that resolves the host itself and refuses non-public addresses, so DNS rebinding cannot slip a private
/// address in between the check and the connection. A dedicated <see cref="HttpClient"/>, not the factory's:
/// the service defaults add retries and service discovery to every factory client, neither of which belongs
/// on requests to URLs chosen by strangers.
/// </summary>
public sealed partial class MetadataDocumentFetcher : IDisposable
{
    private readonly HttpClient _client;
    private readonly IOptionsMonitor<RegistrationOptions> _options;
    private readonly ILogger<MetadataDocumentFetcher> _logger;

    public MetadataDocumentFetcher(IOptionsMonitor<RegistrationOptions> options, ILogger<MetadataDocumentFetcher> logger)
    {
        _options = options;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxResponseHeadersLength = 16,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = options.CurrentValue.ClientIdMetadataDocuments.FetchTimeout,
            ConnectCallback = ConnectToPermittedAddressAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("McpAspire-AuthServer", "1.0"));
    }

    private ClientIdMetadataDocumentOptions Limits => _options.CurrentValue.ClientIdMetadataDocuments;

    public async Task<FetchedDocument> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        var limits = Limits;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limits.FetchTimeout);

        try
        {
            using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var reason = (int)response.StatusCode is >= 300 and < 400
                    ? "The client metadata document URL redirects; redirects are not followed."
                    : $"The client metadata document URL answered HTTP {(int)response.StatusCode}.";
                return Failed(url, reason);
            }

            if (response.Content.Headers.ContentLength > limits.MaxDocumentBytes)
            {
                return Failed(url, $"The client metadata document exceeds {limits.MaxDocumentBytes} bytes.");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new byte[limits.MaxDocumentBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token)) > 0)
            {
                length += read;
            }

            if (length > limits.MaxDocumentBytes)
            {
                return Failed(url, $"The client metadata document exceeds {limits.MaxDocumentBytes} bytes.");
            }

            return new FetchedDocument(buffer[..length], CacheLifetime.From(response.Headers, response.Content.Headers, limits), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(url, "The client metadata document could not be fetched in time.");
        }
        catch (HttpRequestException exception)
        {
            LogFetchError(_logger, url, exception.Message);
            return Failed(url, "The client metadata document could not be fetched.");
        }
    }

    public void Dispose() => _client.Dispose();

    private FetchedDocument Failed(Uri url, string reason)
    {
        LogRefused(_logger, url, reason);
        return new FetchedDocument(null, TimeSpan.Zero, reason);
    }

    /// <summary>Resolves the host and connects only to an address the policy permits.</summary>
    private async ValueTask<Stream> ConnectToPermittedAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);

        var allowNonPublic = Limits.AllowLoopbackAndPrivateAddresses;
        var permitted = addresses.Where(address => allowNonPublic || NetworkAddressPolicy.IsPublic(address)).ToArray();
        if (permitted.Length == 0)
        {
            throw new HttpRequestException($"The host {host} resolves to no public address.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    [LoggerMessage(LogLevel.Information, "Client metadata document {Url} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, Uri url, string reason);

    [LoggerMessage(LogLevel.Information, "Client metadata document {Url} could not be fetched: {Error}")]
    private static partial void LogFetchError(ILogger logger, Uri url, string error);
}
