namespace McpAspire.AuthServer.Registration.Validation;

/// <summary>
/// Which redirect URIs a client may register (MCP authorization, OAuth 2.1 §2.3.1, RFC 8252 §7.3): https
/// anywhere, plain http only on the loopback interface, never a fragment, user info or other scheme.
/// </summary>
public static class RedirectUriRules
{
    /// <summary>The loopback hosts plain http is accepted on, exactly as the MCP authorization guidance lists them.</summary>
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>Why <paramref name="value"/> cannot be registered, or null when it can.</summary>
    public static string? Check(string value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "A redirect URI must not be empty.";
        }

        if (value.Length > maxLength)
        {
            return $"A redirect URI must not be longer than {maxLength} characters.";
        }

        // On Unix, "/callback" parses as an absolute file URI: a leading slash is a relative reference here.
        if (value.StartsWith('/') || !Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return "A redirect URI must be an absolute URI.";
        }

        // Checked on the raw text: "https://host/cb#" has an empty fragment that Uri does not report.
        if (value.Contains('#', StringComparison.Ordinal))
        {
            return "A redirect URI must not contain a fragment.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "A redirect URI must not contain user information.";
        }

        if (string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
        {
            if (!IsLoopbackHost(uri))
            {
                return "A plain http redirect URI is only accepted on a loopback host (localhost, 127.0.0.1, [::1]); use https.";
            }
        }
        else if (!string.Equals(uri.Scheme, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(uri.Host))
        {
            return "A redirect URI must use https, or http on a loopback host.";
        }

        // RFC 9207: an "iss" in the callback URI would let a client fix the issuer the response claims to come
        // from (OpenIddict refuses such URIs as well).
        if (HasQueryParameter(uri, "iss"))
        {
            return "A redirect URI must not contain an \"iss\" query parameter.";
        }

        return null;
    }

    /// <summary>Whether <paramref name="uri"/> is plain http on a loopback host: a native client's redirect URI.</summary>
    public static bool IsLoopbackHttp(Uri uri)
        => string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase) && IsLoopbackHost(uri);

    /// <summary>
    /// The same loopback URI without its port. OpenIddict matches a native client's loopback redirect URI on any
    /// port only when the registered URI has none (RFC 8252 §7.3: clients pick a new port on every run), so a
    /// loopback URI registered with a port is stored in both forms. Null for anything else.
    /// </summary>
    public static Uri? AnyPortVariant(Uri uri)
    {
        if (!IsLoopbackHttp(uri) || uri.IsDefaultPort)
        {
            return null;
        }

        return new UriBuilder(uri) { Port = -1 }.Uri;
    }

    private static bool IsLoopbackHost(Uri uri)
        => LoopbackHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase);

    private static bool HasQueryParameter(Uri uri, string name)
    {
        var query = uri.Query.TrimStart('?');
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var key = pair.Split('=', 2)[0];
            if (string.Equals(Uri.UnescapeDataString(key), name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
