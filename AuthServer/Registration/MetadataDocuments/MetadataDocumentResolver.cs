using McpAspire.AuthServer.Registration.Model;
using McpAspire.AuthServer.Registration.Validation;
using Microsoft.Extensions.Caching.Memory;

namespace McpAspire.AuthServer.Registration.MetadataDocuments;

/// <summary>
/// A resolved Client ID Metadata Document: its accepted metadata and whether it was fetched just now (so the
/// application built from it should be refreshed), or why the client id cannot be used.
/// </summary>
public sealed record ResolvedMetadataDocument(ClientMetadata? Metadata, bool FetchedNow, string? Failure);

/// <summary>
/// Resolves an https <c>client_id</c> to its metadata: from the cache while it is fresh, else fetched and
/// validated like a registration (public client, redirect URI rules), with the document's own
/// <c>client_id</c> required to equal its URL exactly. Only valid documents are cached, in a cache of their own
/// whose total size (the documents' bytes) is bounded by <see cref="ClientIdMetadataDocumentOptions.MaxCacheBytes"/>:
/// strangers choose these URLs, so they must not choose how much memory we spend.
/// </summary>
public sealed class MetadataDocumentResolver(
    MetadataDocumentFetcher fetcher,
    IOptionsMonitor<RegistrationOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions
    {
        SizeLimit = options.CurrentValue.ClientIdMetadataDocuments.MaxCacheBytes,
    });

    public void Dispose() => _cache.Dispose();

    public async Task<ResolvedMetadataDocument> ResolveAsync(string clientId, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var urlProblem = MetadataDocumentUrl.Check(clientId, settings.ClientIdMetadataDocuments.AllowLoopbackAndPrivateAddresses);
        if (urlProblem is not null)
        {
            return new ResolvedMetadataDocument(null, false, urlProblem);
        }

        var cacheKey = clientId;
        if (_cache.TryGetValue(cacheKey, out ClientMetadata? cached) && cached is not null)
        {
            return new ResolvedMetadataDocument(cached, false, null);
        }

        var fetched = await fetcher.FetchAsync(new Uri(clientId, UriKind.Absolute), cancellationToken);
        if (fetched.Content is null)
        {
            return new ResolvedMetadataDocument(null, false, fetched.Failure);
        }

        using var document = ClientMetadataValidator.Parse(fetched.Content);
        if (document is null || document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return new ResolvedMetadataDocument(null, false, "The client metadata document is not a JSON object.");
        }

        if (!document.RootElement.TryGetProperty("client_id", out var documentClientId) ||
            documentClientId.ValueKind != System.Text.Json.JsonValueKind.String ||
            !string.Equals(documentClientId.GetString(), clientId, StringComparison.Ordinal))
        {
            return new ResolvedMetadataDocument(null, false, "The client metadata document's client_id does not equal its URL.");
        }

        var validation = new ClientMetadataValidator(settings).Validate(document.RootElement, ClientMetadataSource.MetadataDocument);
        if (validation.Error is not null)
        {
            return new ResolvedMetadataDocument(null, false, $"The client metadata document is invalid: {validation.Error.ErrorDescription}");
        }

        _cache.Set(cacheKey, validation.Metadata, new MemoryCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = fetched.CacheFor,
            Size = fetched.Content.Length,
        });
        return new ResolvedMetadataDocument(validation.Metadata, true, null);
    }
}
