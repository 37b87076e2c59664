using System.ComponentModel.DataAnnotations;

namespace McpAspire.McpJenkinsServer.Model;

/// <summary>This MCP server as an OAuth protected resource (RFC 9728, RFC 8707).</summary>
public sealed class McpResourceOptions
{
    public const string SectionName = "Mcp";

    /// <summary>The canonical resource URI (e.g. <c>https://host/mcp</c>, no trailing slash): the audience tokens must carry.</summary>
    [Required]
    public Uri ResourceUrl { get; set; } = null!;

    /// <summary>
    /// Browser origins allowed to call <c>/mcp</c> (and answered CORS preflights) besides the resource's own origin
    /// and, when the resource itself is on loopback, every loopback origin. Requests with any other <c>Origin</c>
    /// header are refused (DNS-rebinding protection); requests without one (native clients) pass.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>The path the resource is served at, taken from <see cref="ResourceUrl"/>.</summary>
    public string Path => ResourceUrl.AbsolutePath.TrimEnd('/') is { Length: > 0 } path ? path : "/";

    /// <summary>
    /// Whether a browser page of <paramref name="origin"/> may call this resource: its own origin, a configured one,
    /// or any loopback origin (any port) while the resource itself is on loopback. A loopback server is reachable only
    /// from this machine, and local browser clients (MCP Inspector, a web app under development) run on other ports
    /// of it; what DNS rebinding needs, a foreign name, is still refused. The rule the MCP conformance suite expects.
    /// </summary>
    public bool AllowsOrigin(string? origin)
    {
        if (string.IsNullOrEmpty(origin) || !Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https") || !string.Equals(origin.TrimEnd('/'), uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var normalized = uri.GetLeftPart(UriPartial.Authority);
        return string.Equals(normalized, ResourceUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
            || AllowedOrigins.Any(allowed => string.Equals(normalized, allowed.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            || (ResourceUrl.IsLoopback && uri.IsLoopback);
    }

    /// <summary>The RFC 9728 metadata URL for the resource: the well-known prefix inserted before its path.</summary>
    public Uri ResourceMetadataUrl => new(ResourceUrl, McpScopes.ResourceMetadataPath + (Path == "/" ? "" : Path));
}
