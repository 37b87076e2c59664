using System.ComponentModel.DataAnnotations;

namespace McpAspire.AuthServer.Server;

/// <summary>The protected MCP server as this authorization server knows it (configuration section <c>McpServer</c>).</summary>
public sealed class McpServerOptions
{
    public const string SectionName = "McpServer";

    /// <summary>
    /// The canonical MCP resource URI (RFC 8707), e.g. <c>https://host/mcp</c>: the only resource tokens are
    /// issued for, and the audience of a token whose request named no resource.
    /// </summary>
    [Required]
    public Uri? ResourceUrl { get; set; }

    /// <summary>The MCP server's confidential client id, used to authenticate its introspection calls.</summary>
    [Required]
    public string IntrospectionClientId { get; set; } = "";

    /// <summary>The MCP server's client secret (never logged).</summary>
    [Required]
    [MinLength(16)]
    public string IntrospectionClientSecret { get; set; } = "";

    /// <summary>The resource exactly as OpenIddict compares it (<see cref="Uri.AbsoluteUri"/>).</summary>
    public string Resource => ResourceUrl!.AbsoluteUri;
}
