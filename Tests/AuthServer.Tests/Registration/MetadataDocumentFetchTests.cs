using System.Diagnostics;
using McpAspire.AuthServer.Registration;
using McpAspire.AuthServer.Registration.MetadataDocuments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpAspire.AuthServer.Tests.Registration;

/// <summary>
/// The fetcher and resolver against a real Kestrel on 127.0.0.1 serving documents that behave well and badly.
/// </summary>
public sealed class MetadataDocumentFetchTests : IAsyncLifetime
{
    private static readonly string[] LoopbackRedirectUris = ["http://127.0.0.1/callback"];

    private WebApplication _documents = null!;
    private Uri _base = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _documents = builder.Build();

        _documents.MapGet("/clients/{name}.json", (HttpContext context, string name) =>
        {
            context.Response.Headers.CacheControl = "max-age=600";
            var self = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}";
            var clientId = name == "impostor" ? "https://someone-else.example/client.json" : self;
            return Results.Json(new Dictionary<string, object>
            {
                ["client_id"] = clientId,
                ["client_name"] = $"Client {name}",
                ["redirect_uris"] = LoopbackRedirectUris,
            });
        });
        _documents.MapGet("/huge.json", async context =>
        {
            // Chunked, no Content-Length: the limit must hold while reading.
            await context.Response.WriteAsync("{\"client_id\":\"" + new string('x', 20_000) + "\"}");
        });
        _documents.MapGet("/moved.json", () => Results.Redirect("http://169.254.169.254/latest/meta-data"));
        _documents.MapGet("/slow.json", async (CancellationToken aborted) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), aborted);
            return Results.Ok();
        });

        await _documents.StartAsync();
        var address = _documents.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _base = new Uri(address);
    }

    public async ValueTask DisposeAsync()
    {
        await _documents.StopAsync();
        await _documents.DisposeAsync();
    }

    /// <summary>A generous time limit, so a busy machine does not turn a size or address refusal into a timeout.</summary>
    private static readonly TimeSpan RoomyTimeout = TimeSpan.FromSeconds(15);

    private static FixedOptions OptionsWith(bool allowLoopback, TimeSpan? timeout = null) => new(new RegistrationOptions
    {
        ClientIdMetadataDocuments = new ClientIdMetadataDocumentOptions
        {
            AllowLoopbackAndPrivateAddresses = allowLoopback,
            MaxDocumentBytes = 5 * 1024,
            FetchTimeout = timeout ?? RoomyTimeout,
        },
    });

    private static MetadataDocumentFetcher Fetcher(bool allowLoopback, TimeSpan? timeout = null)
        => new(OptionsWith(allowLoopback, timeout), NullLogger<MetadataDocumentFetcher>.Instance);

    [Fact]
    public async Task A_well_formed_document_is_fetched_with_the_lifetime_its_headers_ask_for()
    {
        using var fetcher = Fetcher(allowLoopback: true);

        var fetched = await fetcher.FetchAsync(new Uri(_base, "/clients/good.json"), CancellationToken.None);

        Assert.Null(fetched.Failure);
        Assert.NotNull(fetched.Content);
        Assert.Equal(TimeSpan.FromMinutes(10), fetched.CacheFor);
    }

    [Fact]
    public async Task A_loopback_address_is_refused_at_connect_time_outside_the_development_relaxation()
    {
        using var fetcher = Fetcher(allowLoopback: false);

        var fetched = await fetcher.FetchAsync(new Uri(_base, "/clients/good.json"), CancellationToken.None);

        Assert.Null(fetched.Content);
        Assert.NotNull(fetched.Failure);
    }

    [Fact]
    public async Task A_document_larger_than_the_limit_is_refused_while_reading()
    {
        using var fetcher = Fetcher(allowLoopback: true);

        var fetched = await fetcher.FetchAsync(new Uri(_base, "/huge.json"), CancellationToken.None);

        Assert.Null(fetched.Content);
        Assert.Contains("exceeds", fetched.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        using var fetcher = Fetcher(allowLoopback: true);

        var fetched = await fetcher.FetchAsync(new Uri(_base, "/moved.json"), CancellationToken.None);

        Assert.Null(fetched.Content);
        Assert.Contains("redirect", fetched.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_that_does_not_arrive_in_time_is_refused_at_the_time_limit()
    {
        using var fetcher = Fetcher(allowLoopback: true, timeout: TimeSpan.FromMilliseconds(800));
        var stopwatch = Stopwatch.StartNew();

        var fetched = await fetcher.FetchAsync(new Uri(_base, "/slow.json"), CancellationToken.None);

        Assert.Null(fetched.Content);
        Assert.Contains("in time", fetched.Failure, StringComparison.Ordinal);
        // The server would answer after 10 s: the limit, not the server, ended the wait.
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task A_document_whose_client_id_is_not_its_url_is_refused()
    {
        var options = OptionsWith(allowLoopback: true);
        using var fetcher = new MetadataDocumentFetcher(options, NullLogger<MetadataDocumentFetcher>.Instance);
        using var resolver = new MetadataDocumentResolver(fetcher, options);

        var resolved = await resolver.ResolveAsync(new Uri(_base, "/clients/impostor.json").AbsoluteUri, CancellationToken.None);

        Assert.Null(resolved.Metadata);
        Assert.Contains("client_id", resolved.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_document_is_resolved_once_then_served_from_the_cache()
    {
        var options = OptionsWith(allowLoopback: true);
        using var fetcher = new MetadataDocumentFetcher(options, NullLogger<MetadataDocumentFetcher>.Instance);
        using var resolver = new MetadataDocumentResolver(fetcher, options);
        var clientId = new Uri(_base, $"/clients/{Guid.NewGuid():N}.json").AbsoluteUri;

        var first = await resolver.ResolveAsync(clientId, CancellationToken.None);
        var second = await resolver.ResolveAsync(clientId, CancellationToken.None);

        Assert.NotNull(first.Metadata);
        Assert.True(first.FetchedNow);
        Assert.Equal("none", first.Metadata.TokenEndpointAuthMethod);
        Assert.Equal("native", first.Metadata.ApplicationType);
        Assert.Equal(["http://127.0.0.1/callback"], first.Metadata.RedirectUris);
        Assert.NotNull(second.Metadata);
        Assert.False(second.FetchedNow);
    }

    [Fact]
    public async Task A_plain_http_document_url_is_refused_without_the_development_relaxation()
    {
        var options = OptionsWith(allowLoopback: false);
        using var fetcher = new MetadataDocumentFetcher(options, NullLogger<MetadataDocumentFetcher>.Instance);
        using var resolver = new MetadataDocumentResolver(fetcher, options);

        var resolved = await resolver.ResolveAsync(new Uri(_base, "/clients/good.json").AbsoluteUri, CancellationToken.None);

        Assert.Null(resolved.Metadata);
        Assert.Contains("https", resolved.Failure, StringComparison.Ordinal);
    }

    private sealed class FixedOptions(RegistrationOptions value) : IOptionsMonitor<RegistrationOptions>
    {
        public RegistrationOptions CurrentValue => value;

        public RegistrationOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<RegistrationOptions, string?> listener) => null;
    }
}
