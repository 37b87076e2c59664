using System.Net.Http.Headers;

namespace McpAspire.AuthServer.Registration.MetadataDocuments;

/// <summary>How long a fetched metadata document is kept: its HTTP caching headers, within a floor and a ceiling.</summary>
public static class CacheLifetime
{
    public static TimeSpan From(HttpResponseHeaders headers, HttpContentHeaders? contentHeaders, ClientIdMetadataDocumentOptions options)
    {
        TimeSpan? requested = null;
        var cacheControl = headers.CacheControl;
        if (cacheControl is { NoStore: true } or { NoCache: true })
        {
            requested = TimeSpan.Zero;
        }
        else if (cacheControl?.MaxAge is { } maxAge)
        {
            requested = maxAge - (headers.Age ?? TimeSpan.Zero);
        }
        else if (contentHeaders?.Expires is { } expires)
        {
            requested = expires - (headers.Date ?? DateTimeOffset.UtcNow);
        }

        var lifetime = requested ?? options.DefaultCacheDuration;
        if (lifetime < options.MinimumCacheDuration)
        {
            return options.MinimumCacheDuration;
        }

        return lifetime > options.MaximumCacheDuration ? options.MaximumCacheDuration : lifetime;
    }
}
