using System.ComponentModel.DataAnnotations;

namespace McpAspire.AuthServer.RequestProtection;

/// <summary>
/// Request limits (configuration section <c>RateLimiting</c>): per client address (IPv6 per /64), except
/// <see cref="Introspect"/>, which is per authenticated resource-server client.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimiting";

    [ValidateObjectMembers]
    public RateLimit Register { get; set; } = new() { PermitLimit = 20 };

    [ValidateObjectMembers]
    public RateLimit Authorize { get; set; } = new() { PermitLimit = 60 };

    [ValidateObjectMembers]
    public RateLimit Token { get; set; } = new() { PermitLimit = 60 };

    [ValidateObjectMembers]
    public RateLimit Revoke { get; set; } = new() { PermitLimit = 60 };

    /// <summary>
    /// Per authenticated client: the MCP server introspects on every request it serves, for all its users
    /// from one address, so a resource server needs headroom and must not share it with anyone.
    /// </summary>
    [ValidateObjectMembers]
    public RateLimit Introspect { get; set; } = new() { PermitLimit = 6000 };

    /// <summary>Introspection calls refused for bad client credentials, per address, before further ones are refused unchecked.</summary>
    [ValidateObjectMembers]
    public RateLimit FailedClientAuthentication { get; set; } = new() { PermitLimit = 20 };

    [ValidateObjectMembers]
    public RateLimit Login { get; set; } = new() { PermitLimit = 30 };
}

/// <summary>At most <see cref="PermitLimit"/> requests per <see cref="Window"/>.</summary>
public sealed class RateLimit
{
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
