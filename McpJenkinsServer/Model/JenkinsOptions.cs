using System.ComponentModel.DataAnnotations;

namespace McpAspire.McpJenkinsServer.Model;

/// <summary>How the MCP server reaches Jenkins: with its own account, never with the MCP client's token.</summary>
public sealed class JenkinsOptions
{
    public const string SectionName = "Jenkins";

    /// <summary>
    /// The Jenkins root URL. The default names the AppHost's Jenkins resource through service discovery
    /// (https when it offers it, else http); a real Jenkins may be configured by its absolute URL.
    /// </summary>
    [Required]
    public Uri Url { get; set; } = new("https+http://jenkins");

    [Required]
    public string User { get; set; } = "";

    /// <summary>A Jenkins API token: API-token requests are exempt from CSRF crumbs.</summary>
    [Required]
    public string ApiToken { get; set; } = "";

    /// <summary>
    /// The auth server's page where users link their own Jenkins identity (the AppHost sets it): named in the tool error a
    /// user gets when Jenkins no longer accepts their linked token.
    /// </summary>
    public Uri? LinkPageUrl { get; set; }

    /// <summary>How long one Jenkins call may take before the tool reports Jenkins unreachable.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
