namespace McpAspire.AuthServer.Persistence.OpenIddict;

/// <summary>An OAuth client as stored in DynamoDB (the fields of OpenIddict's Entity Framework model).</summary>
public sealed class DynamoDbApplication
{
    public string Id { get; set; } = Guid.NewGuid().ToString("N");
    public string? ApplicationType { get; set; }
    public string? ClientId { get; set; }

    /// <summary>Already hashed by OpenIddict's manager (never the plaintext secret).</summary>
    public string? ClientSecret { get; set; }
    public string? ClientType { get; set; }
    public string ConcurrencyToken { get; set; } = Guid.NewGuid().ToString("N");
    public string? ConsentType { get; set; }
    public string? DisplayName { get; set; }
    public ImmutableDictionary<CultureInfo, string> DisplayNames { get; set; } = ImmutableDictionary<CultureInfo, string>.Empty;
    public string? JsonWebKeySet { get; set; }
    public ImmutableArray<string> Permissions { get; set; } = [];
    public ImmutableArray<string> PostLogoutRedirectUris { get; set; } = [];
    public ImmutableDictionary<string, JsonElement> Properties { get; set; } = ImmutableDictionary<string, JsonElement>.Empty;
    public ImmutableArray<string> RedirectUris { get; set; } = [];
    public ImmutableArray<string> Requirements { get; set; } = [];
    public ImmutableDictionary<string, string> Settings { get; set; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The lookup keys as last stored, so an update knows which lookup copies to delete.</summary>
    internal ImmutableHashSet<string> StoredLookups { get; set; } = [];
}

/// <summary>A grant of scopes by a subject to a client, as stored in DynamoDB.</summary>
public sealed class DynamoDbAuthorization
{
    public string Id { get; set; } = Guid.NewGuid().ToString("N");
    public string? ApplicationId { get; set; }
    public string ConcurrencyToken { get; set; } = Guid.NewGuid().ToString("N");
    public DateTimeOffset? CreationDate { get; set; }
    public ImmutableDictionary<string, JsonElement> Properties { get; set; } = ImmutableDictionary<string, JsonElement>.Empty;
    public ImmutableArray<string> Scopes { get; set; } = [];
    public string? Status { get; set; }
    public string? Subject { get; set; }
    public string? Type { get; set; }

    /// <summary>The TTL as read (owned by the TTL policy, not by OpenIddict), kept when a revocation rewrites the item.</summary>
    internal long? LoadedTtl { get; set; }

    /// <summary>
    /// The status as last read or written. A failed update puts it back, so that the same entity can be revoked again:
    /// OpenIddict's <c>TryRevokeAsync</c> returns at once for an entity whose status already says revoked.
    /// </summary>
    internal string? StoredStatus { get; set; }

    /// <summary>
    /// The live set (<see cref="TokenFamily"/>) as last read: what a revocation revokes first. Only a starting guess: the
    /// status change is conditional on the set being exactly what was revoked.
    /// </summary>
    internal IReadOnlyList<string> LoadedLiveTokens { get; set; } = [];
}

/// <summary>A scope as stored in DynamoDB.</summary>
public sealed class DynamoDbScope
{
    public string Id { get; set; } = Guid.NewGuid().ToString("N");
    public string ConcurrencyToken { get; set; } = Guid.NewGuid().ToString("N");
    public string? Description { get; set; }
    public ImmutableDictionary<CultureInfo, string> Descriptions { get; set; } = ImmutableDictionary<CultureInfo, string>.Empty;
    public string? DisplayName { get; set; }
    public ImmutableDictionary<CultureInfo, string> DisplayNames { get; set; } = ImmutableDictionary<CultureInfo, string>.Empty;
    public string? Name { get; set; }
    public ImmutableDictionary<string, JsonElement> Properties { get; set; } = ImmutableDictionary<string, JsonElement>.Empty;
    public ImmutableArray<string> Resources { get; set; } = [];
}

/// <summary>A token entry (code, access or refresh token, with its payload when it is a reference token) as stored in DynamoDB.</summary>
public sealed class DynamoDbToken
{
    public string Id { get; set; } = Guid.NewGuid().ToString("N");
    public string? ApplicationId { get; set; }
    public string? AuthorizationId { get; set; }
    public string ConcurrencyToken { get; set; } = Guid.NewGuid().ToString("N");
    public DateTimeOffset? CreationDate { get; set; }
    public DateTimeOffset? ExpirationDate { get; set; }
    public string? Payload { get; set; }
    public ImmutableDictionary<string, JsonElement> Properties { get; set; } = ImmutableDictionary<string, JsonElement>.Empty;
    public DateTimeOffset? RedemptionDate { get; set; }

    /// <summary>OpenIddict's manager hashes the reference id before it reaches the store.</summary>
    public string? ReferenceId { get; set; }
    public string? Status { get; set; }
    public string? Subject { get; set; }
    public string? Type { get; set; }

    /// <summary>The reference id as last stored, so an update can delete a replaced reference copy.</summary>
    internal string? StoredReferenceId { get; set; }

    /// <summary>The TTL as last stored: an update that keeps it (a redemption, a revocation) need not touch the authorization.</summary>
    internal long? StoredTtl { get; set; }

    /// <summary>The status as last stored: a tracked token leaving "valid" leaves its authorization's set.</summary>
    internal string? StoredStatus { get; set; }

    /// <summary>
    /// In its authorization's set of live tokens (<see cref="TokenFamily"/>): revoking the authorization revokes this
    /// token, and a redemption or revocation of the token takes it out of the set. False for tokens written before that
    /// scheme, or while the set was full.
    /// </summary>
    internal bool AuthorizationTracked { get; set; }

    /// <summary>
    /// Tracked, and written by a version whose revocation of an authorization revokes the live set before it changes the
    /// authorization's status (<see cref="TokenFamily.RevokedFirst"/>): the token's own status answers for its
    /// authorization, so introspection and redemption need not read the authorization.
    /// </summary>
    internal bool RevokedBeforeAuthorization { get; set; }

    /// <summary>
    /// Created in memory only: OpenIddict attaches the payload and reference id next, and the store writes the
    /// whole token then, in one conditional transaction (<see cref="DynamoDbTokenStore"/>).
    /// </summary>
    internal bool WriteDeferred { get; set; }
}
