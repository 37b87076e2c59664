using McpAspire.AccessPolicy;
using McpAspire.AccessPolicy.JenkinsIdentity;

namespace McpAspire.AuthServer.Persistence.Infrastructure;

/// <summary>The physical table names, derived once from <see cref="DynamoDbPersistenceOptions.TablePrefix"/>.</summary>
public sealed class DynamoDbTableNames
{
    public DynamoDbTableNames(IOptions<DynamoDbPersistenceOptions> options)
        : this(options.Value.TablePrefix)
    {
    }

    public DynamoDbTableNames(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        Applications = $"{prefix}-oauth-applications";
        ApplicationLookups = $"{prefix}-oauth-application-lookups";
        Authorizations = $"{prefix}-oauth-authorizations";
        Scopes = $"{prefix}-oauth-scopes";
        Tokens = $"{prefix}-oauth-tokens";
        TokenReferences = $"{prefix}-oauth-token-references";
        Keys = $"{prefix}-auth-keys";
        DataProtectionKeys = $"{prefix}-auth-data-protection-keys";
        Users = $"{prefix}-auth-users";
        ExternalLogins = $"{prefix}-auth-external-logins";
        Coordination = $"{prefix}-auth-coordination";
        AccessPolicy = AccessPolicyTable.Name(prefix);
        JenkinsIdentities = JenkinsIdentityTable.Name(prefix);
        JenkinsIdentityKeys = JenkinsIdentityTable.KeysName(prefix);
    }

    public string Applications { get; }

    /// <summary>
    /// Full copies of each application under its client id, redirect URIs and post-logout redirect URIs,
    /// written in the same transaction as the application: strongly consistent lookups in one Query.
    /// </summary>
    public string ApplicationLookups { get; }

    public string Authorizations { get; }

    public string Scopes { get; }

    public string Tokens { get; }

    /// <summary>A copy of every reference token keyed by its (hashed) reference id: introspection is one strongly consistent GetItem.</summary>
    public string TokenReferences { get; }

    /// <summary>OpenIddict signing/encryption keys (their private parts protected by Data Protection).</summary>
    public string Keys { get; }

    /// <summary>The Data Protection key ring, each key's secret encrypted: apart from <see cref="Keys"/> so IAM can grant them separately.</summary>
    public string DataProtectionKeys { get; }

    public string Users { get; }

    /// <summary>Which user an upstream identity provider's (issuer, subject) is: one strongly consistent GetItem at each federated sign-in.</summary>
    public string ExternalLogins { get; }

    /// <summary>
    /// What replicas must agree on beyond the entities: failed sign-ins, registration quotas and start-up locks, each
    /// item short-lived (TTL), so a limit means the same whichever replica a request reaches.
    /// </summary>
    public string Coordination { get; }

    /// <summary>
    /// The Jenkins access policy (one item), written by the admin page and read by the MCP server on every tool call:
    /// a table of its own so the MCP server's identity can be granted GetItem on it and nothing else.
    /// </summary>
    public string AccessPolicy { get; }

    /// <summary>
    /// Users' linked Jenkins identities (one item per user, the API token encrypted): written by the auth server's page
    /// <c>/account/jenkins</c>, read by the MCP server in the same BatchGetItem as <see cref="AccessPolicy"/>.
    /// </summary>
    public string JenkinsIdentities { get; }

    /// <summary>The key ring that encrypts the linked tokens, apart from <see cref="DataProtectionKeys"/>: the MCP server reads this one only.</summary>
    public string JenkinsIdentityKeys { get; }

    public IReadOnlyList<string> All =>
        [Applications, ApplicationLookups, Authorizations, Scopes, Tokens, TokenReferences, Keys, DataProtectionKeys, Users, Coordination, ExternalLogins, AccessPolicy,
         JenkinsIdentities, JenkinsIdentityKeys];
}
