namespace McpAspire.AuthServer.Discovery;

/// <summary>
/// Where this server's RFC 8414 metadata is served. RFC 8414 §3.3: a metadata document may only be served at
/// a well-known URL built from the very issuer it names. When the issuer identifier lives on this server's
/// origin, the metadata answers at the issuer's well-known URLs here. When it lives at another origin (the
/// AppHost makes the MCP server's resource URL the issuer), that origin serves the well-known URLs, and this
/// server answers only at <see cref="ForwardedPath"/>, a path no client builds from any issuer, for that
/// origin to forward.
/// </summary>
public static class IssuerMetadataLocation
{
    /// <summary>The path the issuer's origin fetches the metadata from when the issuer is not hosted here.</summary>
    public const string ForwardedPath = "/authorization-server-metadata";

    private const string OAuthWellKnown = EndpointPaths.OAuthMetadata;
    private const string OpenIdWellKnown = EndpointPaths.OpenIdMetadata;

    /// <summary>
    /// The well-known paths clients build from <paramref name="issuer"/>: RFC 8414 §3.1 (the well-known segment
    /// inserted before the issuer's path), the same insertion for OpenID discovery (RFC 8414 §5), and OpenID
    /// Connect Discovery's appended form. For a path-less issuer these are the two root well-known paths.
    /// </summary>
    public static IReadOnlyList<string> WellKnownPaths(Uri issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var path = issuer.AbsolutePath.TrimEnd('/');
        return path.Length == 0
            ? [OAuthWellKnown, OpenIdWellKnown]
            : [OAuthWellKnown + path, OpenIdWellKnown + path, path + OpenIdWellKnown];
    }

    /// <summary>Whether the issuer identifier is on this server's origin (<paramref name="publicUrl"/> unset: it is).</summary>
    public static bool IsHostedHere(Uri issuer, Uri? publicUrl)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        return publicUrl is null
            || (string.Equals(issuer.Scheme, publicUrl.Scheme, StringComparison.OrdinalIgnoreCase)
                && string.Equals(issuer.IdnHost, publicUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
                && issuer.Port == publicUrl.Port);
    }

    /// <summary>The paths OpenIddict's configuration endpoint answers at on this server.</summary>
    public static IReadOnlyList<string> ConfigurationEndpointPaths(Uri issuer, Uri? publicUrl)
        => IsHostedHere(issuer, publicUrl) ? WellKnownPaths(issuer) : [ForwardedPath];
}
