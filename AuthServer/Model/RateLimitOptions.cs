using System.ComponentModel.DataAnnotations;

namespace McpAspire.AuthServer.Model;

/// <summary>Request limits per client address (configuration section <c>RateLimiting</c>).</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimiting";

    public RateLimit Register { get; set; } = new() { PermitLimit = 20 };

    public RateLimit Authorize { get; set; } = new() { PermitLimit = 60 };

    public RateLimit Token { get; set; } = new() { PermitLimit = 60 };

    /// <summary>The MCP server introspects on every request it serves: a resource server needs headroom.</summary>
    public RateLimit Introspect { get; set; } = new() { PermitLimit = 1200 };

    public RateLimit Login { get; set; } = new() { PermitLimit = 30 };
}

/// <summary>At most <see cref="PermitLimit"/> requests per <see cref="Window"/> from one address.</summary>
public sealed class RateLimit
{
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
