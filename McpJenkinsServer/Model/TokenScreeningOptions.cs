using System.ComponentModel.DataAnnotations;

namespace McpAspire.McpJenkinsServer.Model;

/// <summary>
/// How the MCP server keeps junk bearer tokens from costing introspection calls (configuration section
/// <c>Mcp:TokenScreening</c>); see <see cref="Authorization.TokenScreening"/>.
/// </summary>
public sealed class TokenScreeningOptions
{
    public const string SectionName = "Mcp:TokenScreening";

    /// <summary>Refused tokens per address (IPv6 per /64) within <see cref="Window"/> before unknown tokens from it are refused unchecked.</summary>
    [Range(1, 1_000_000)]
    public int InvalidTokensPerAddress { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a token the auth server called inactive is refused without asking again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RememberRefusedFor { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a token seen active still passes the per-address limit (it is introspected all the same).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RememberActiveFor { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The most token hashes remembered, refused and active each: memory stays bounded whatever the flood.</summary>
    [Range(100, 10_000_000)]
    public int MaxRememberedTokens { get; set; } = 100_000;
}
