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
    /// Browser origins allowed to call <c>/mcp</c> besides the resource's own origin. Requests with any other
    /// <c>Origin</c> header are refused (DNS-rebinding protection); requests without one (native clients) pass.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>The path the resource is served at, taken from <see cref="ResourceUrl"/>.</summary>
    public string Path => ResourceUrl.AbsolutePath.TrimEnd('/') is { Length: > 0 } path ? path : "/";

    /// <summary>The RFC 9728 metadata URL for the resource: the well-known prefix inserted before its path.</summary>
    public Uri ResourceMetadataUrl => new(ResourceUrl, McpScopes.ResourceMetadataPath + (Path == "/" ? "" : Path));
}
