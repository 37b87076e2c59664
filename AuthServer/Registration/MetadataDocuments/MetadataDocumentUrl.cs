namespace McpAspire.AuthServer.Registration.MetadataDocuments;

/// <summary>
/// Which <c>client_id</c> values are Client ID Metadata Document URLs (draft-ietf-oauth-client-id-metadata-document):
/// https, with a path, without fragment, user info or dot segments. Plain http on a loopback host only when
/// the Development-only relaxation is on.
/// </summary>
public static class MetadataDocumentUrl
{
    /// <summary>Whether <paramref name="clientId"/> looks like a URL at all (so it is not an ordinary client id).</summary>
    public static bool IsUrlShaped(string? clientId)
        => clientId is not null &&
           (clientId.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ||
            clientId.StartsWith("http://", StringComparison.OrdinalIgnoreCase));

    /// <summary>Why <paramref name="clientId"/> cannot be fetched as a metadata document, or null when it can.</summary>
    public static string? Check(string clientId, bool allowLoopbackHttp)
    {
        if (clientId.Length > 2048 || !Uri.TryCreate(clientId, UriKind.Absolute, out var uri))
        {
            return "The client_id is not a valid URL.";
        }

        var isLoopbackHttp = uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback;
        if (uri.Scheme != Uri.UriSchemeHttps && !(allowLoopbackHttp && isLoopbackHttp))
        {
            return "A client_id URL must use https.";
        }

        if (clientId.Contains('#', StringComparison.Ordinal) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return "A client_id URL must not contain a fragment or user information.";
        }

        // Dot segments would make two different strings name the same document.
        var rawPath = clientId[(clientId.IndexOf("://", StringComparison.Ordinal) + 3)..];
        if (uri.AbsolutePath is "/" || rawPath.Contains("/./", StringComparison.Ordinal) || rawPath.Contains("/../", StringComparison.Ordinal) ||
            rawPath.EndsWith("/.", StringComparison.Ordinal) || rawPath.EndsWith("/..", StringComparison.Ordinal))
        {
            return "A client_id URL must have a path without dot segments.";
        }

        return null;
    }
}
