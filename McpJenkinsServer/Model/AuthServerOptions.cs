using System.ComponentModel.DataAnnotations;

namespace McpAspire.McpJenkinsServer.Model;

/// <summary>The authorization server that issues and introspects the tokens this MCP server accepts.</summary>
public sealed class AuthServerOptions
{
    public const string SectionName = "AuthServer";

    /// <summary>
    /// The authorization server's issuer identifier; introspected tokens must come from exactly this issuer. The
    /// AppHost makes it this server's resource URL (<c>https://host/mcp</c>), and this server then serves the
    /// authorization server's metadata at that issuer's well-known URLs (RFC 8414 §3), where every MCP client looks.
    /// </summary>
    [Required]
    public Uri Issuer { get; set; } = null!;

    /// <summary>
    /// Where the authorization server's metadata is fetched from when the issuer is on this server's origin: the
    /// AppHost's <c>auth-server</c> resource by service discovery, at the path it keeps for that purpose.
    /// </summary>
    [Required]
    public Uri MetadataEndpoint { get; set; } = new("http://auth-server/authorization-server-metadata");

    /// <summary>
    /// Where tokens are introspected. The default reaches the AppHost's <c>auth-server</c> resource by service
    /// discovery (OpenIddict only sends to http/https URIs, so the scheme picks the endpoint: http here,
    /// https where the auth server offers it).
    /// </summary>
    [Required]
    public Uri IntrospectionEndpoint { get; set; } = new("http://auth-server/introspect");

    [Required]
    public string IntrospectionClientId { get; set; } = "";

    [Required]
    public string IntrospectionClientSecret { get; set; } = "";
}
