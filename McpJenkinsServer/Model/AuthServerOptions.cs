using System.ComponentModel.DataAnnotations;

namespace McpAspire.McpJenkinsServer.Model;

/// <summary>The authorization server that issues and introspects the tokens this MCP server accepts.</summary>
public sealed class AuthServerOptions
{
    public const string SectionName = "AuthServer";

    /// <summary>The public issuer URL clients are given; introspected tokens must come from exactly this issuer.</summary>
    [Required]
    public Uri Issuer { get; set; } = null!;

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
