using System.ComponentModel.DataAnnotations;

namespace McpAspire.AuthServer.Registration;

/// <summary>
/// Dynamic client registration (RFC 7591/7592) and Client ID Metadata Documents (configuration section
/// <c>Registration</c>). Every default is safe for production; the few Development-only relaxations live in
/// <see cref="ClientIdMetadataDocumentOptions"/> and are refused at start-up outside Development.
/// </summary>
public sealed class RegistrationOptions
{
    public const string SectionName = "Registration";

    /// <summary>
    /// How long a registration that never obtained a token lives. Clients re-register on every connect, so
    /// unused registrations must not pile up; a client's first token makes its registration permanent.
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan UnusedRegistrationLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The most redirect URIs one client may register.</summary>
    [Range(1, 50)]
    public int MaxRedirectUris { get; set; } = 10;

    /// <summary>The longest redirect URI (characters) accepted.</summary>
    [Range(32, 8192)]
    public int MaxRedirectUriLength { get; set; } = 2048;

    /// <summary>The largest registration request body (bytes); anything larger is refused unread.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 16 * 1024;

    /// <summary>The longest <c>client_name</c> (characters): it is shown to people on the consent page.</summary>
    [Range(1, 1000)]
    public int MaxClientNameLength { get; set; } = 200;

    /// <summary>How many registrations one address (IPv6 per /64) may make, and how many all addresses together.</summary>
    [ValidateObjectMembers]
    public RegistrationQuotaOptions Quota { get; set; } = new();

    /// <summary>Client ID Metadata Documents (MCP 2025-11-25): <c>client_id</c> values that are https URLs.</summary>
    [ValidateObjectMembers]
    public ClientIdMetadataDocumentOptions ClientIdMetadataDocuments { get; set; } = new();

    /// <summary>
    /// The canonical MCP resource (RFC 8707), read from <c>McpServer:ResourceUrl</c>: every client is permitted
    /// to ask for tokens for it. Not bound from the <c>Registration</c> section.
    /// </summary>
    internal string? McpResource { get; set; }

    /// <summary>
    /// Where this server's endpoints are, read from <c>AuthServer:PublicUrl</c> when the issuer is elsewhere (it is
    /// the MCP server's URL in the AppHost): the registration endpoint and RFC 7592 client URIs live here. Not bound
    /// from the <c>Registration</c> section.
    /// </summary>
    internal Uri? PublicUrl { get; set; }
}

/// <summary>Limits on fetching Client ID Metadata Documents: the server fetches URLs chosen by strangers.</summary>
public sealed class ClientIdMetadataDocumentOptions
{
    /// <summary>Whether https <c>client_id</c> URLs are resolved at all (advertised in discovery when on).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The largest document accepted (bytes). The drafts suggest a few kilobytes.</summary>
    [Range(256, 64 * 1024)]
    public int MaxDocumentBytes { get; set; } = 5 * 1024;

    /// <summary>The whole fetch (connect, TLS, headers, body) must finish within this time.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:00:30")]
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most bytes of valid documents kept in memory at once; the least recently used go first.</summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public long MaxCacheBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>A document is kept at least this long, whatever its caching headers say (no fetch storms).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MinimumCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A document is refetched at the latest after this long, whatever its caching headers say.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan MaximumCacheDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a document without caching headers is kept.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan DefaultCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// DEVELOPMENT ONLY (on by default in Development, refused elsewhere): accept <c>http</c> document URLs on
    /// loopback hosts and let the fetch reach loopback and private addresses, so tests can serve documents
    /// from a local Kestrel. Outside Development only https URLs resolving to public addresses are fetched.
    /// </summary>
    public bool AllowLoopbackAndPrivateAddresses { get; set; }
}

/// <summary>
/// Registration quotas: anonymous registration writes to our storage, so strangers get a bounded share of it. Each
/// limit is a fixed window; registrations that are never used expire (<see cref="RegistrationOptions.UnusedRegistrationLifetime"/>).
/// </summary>
public sealed class RegistrationQuotaOptions
{
    [Range(1, 1_000_000)]
    public int PerAddress { get; set; } = 500;

    [Range(1, 100_000_000)]
    public int Global { get; set; } = 10_000;

    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(1);
}
