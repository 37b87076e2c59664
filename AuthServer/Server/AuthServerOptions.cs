using System.ComponentModel.DataAnnotations;

namespace McpAspire.AuthServer.Server;

/// <summary>The authorization server's own settings (configuration section <c>AuthServer</c>).</summary>
public sealed class AuthServerOptions
{
    public const string SectionName = "AuthServer";

    /// <summary>
    /// The public URL clients see (RFC 8414 <c>issuer</c>). Discovery, tokens and the RFC 9207 <c>iss</c>
    /// parameter carry exactly this value, so it must be the URL clients were given.
    /// </summary>
    [Required]
    public Uri? Issuer { get; set; }

    /// <summary>
    /// Where this server's own endpoints (authorize, token, register, introspect, revoke, JWKS, sign-in pages)
    /// are publicly reachable, when that is not the issuer's origin. The AppHost makes the MCP server's resource
    /// URL the issuer identifier, so every MCP client finds this server's metadata where it looks for it (at the
    /// MCP server's origin); the endpoints stay here. Unset: the issuer's origin is this server's.
    /// </summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>How long an access token lives. The MCP authorization guidance asks for short-lived tokens.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a refresh token lives (each use rotates it).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "90.00:00:00")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// How long after its first use a refresh token may be used again (a client retrying after a lost
    /// response). Zero by default: any replay of a used refresh token revokes the whole grant at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RefreshTokenReuseLeeway { get; set; } = TimeSpan.Zero;

    /// <summary>How long a signed-in browser session lasts before the user must sign in again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Whether clients registered with the refresh_token grant get refresh tokens without asking offline_access.
    /// Off: it would stop TypeScript SDK clients from stepping up to mcp:write (see IssueRefreshTokensToRegisteredClients).
    /// </summary>
    public bool RefreshTokensWithoutOfflineAccess { get; set; }

    /// <summary>
    /// How long a user's "Allow" is remembered for one client, its scopes and the address it returns to: after
    /// that, or for any other redirect URI, the consent page asks again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan ConsentLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Origins of browser-based clients allowed to call discovery, registration, token and revocation
    /// cross-origin. Empty: no cross-origin calls at all.
    /// </summary>
    public string[] CorsOrigins { get; set; } = [];
}
