namespace McpAspire.AuthServer.ExternalSignIn;

/// <summary>
/// Who may sign in, and where (configuration section <c>AuthServer</c>): the upstream identity providers of
/// <c>AuthServer:ExternalProviders:&lt;name&gt;</c> and the local accounts (<c>AuthServer:LocalAccounts:Enabled</c>).
/// None configured: local accounts only, and no OpenID Connect client is registered at all.
/// </summary>
public sealed class ExternalSignInOptions
{
    public const string SectionName = "AuthServer";

    /// <summary>The upstream providers by name (lower-case letters, digits and '-': it is part of the callback URL).</summary>
    public Dictionary<string, ExternalProviderOptions> ExternalProviders { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public LocalAccountsOptions LocalAccounts { get; set; } = new();

    /// <summary>The providers in the order the sign-in page shows them (by display name).</summary>
    public IEnumerable<(string Name, ExternalProviderOptions Provider)> OrderedProviders() =>
        ExternalProviders.OrderBy(pair => pair.Value.EffectiveDisplayName(pair.Key), StringComparer.OrdinalIgnoreCase)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => (pair.Key, pair.Value));

    public ExternalProviderOptions? Find(string? name)
        => !string.IsNullOrEmpty(name) && ExternalProviders.TryGetValue(name, out var provider) ? provider : null;

    /// <summary>The callback an upstream provider redirects to: one per provider, against mix-up attacks.</summary>
    public static string CallbackPath(string name) => $"{Server.EndpointPaths.ExternalSignIn}/{name}/callback";
}

/// <summary>The kinds of upstream provider: any OpenID Connect provider by discovery, or GitHub (OAuth 2.0 only).</summary>
public enum ExternalProviderKind
{
    OpenIdConnect,
    GitHub,
}

/// <summary>One upstream identity provider (<c>AuthServer:ExternalProviders:&lt;name&gt;</c>).</summary>
public sealed class ExternalProviderOptions
{
    public const string DefaultScopes = "openid profile email";

    public const string DefaultGroupsClaim = "groups";

    public ExternalProviderKind Kind { get; set; } = ExternalProviderKind.OpenIdConnect;

    /// <summary>What the sign-in button says ("Sign in with …"); the name when unset.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The provider's issuer URL (discovery at <c>/.well-known/openid-configuration</c> below it). Not for GitHub.</summary>
    public Uri? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>A secret: the AppHost's parameter <c>&lt;name&gt;-client-secret</c>, never a configuration file.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Space-separated scopes to ask for; <c>openid</c> is always asked of OpenID Connect providers.</summary>
    public string Scopes { get; set; } = DefaultScopes;

    /// <summary>
    /// The claim (in the identity token or the userinfo response) that lists the user's groups: a JSON array, one
    /// string, or absent (no groups). The provider is authoritative: the user's groups are replaced at each sign-in.
    /// </summary>
    public string GroupsClaim { get; set; } = DefaultGroupsClaim;

    public string EffectiveDisplayName(string name) => string.IsNullOrWhiteSpace(DisplayName) ? name : DisplayName.Trim();

    public IReadOnlyList<string> EffectiveScopes()
    {
        var scopes = (Scopes ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (Kind == ExternalProviderKind.OpenIdConnect && !scopes.Contains("openid", StringComparer.Ordinal))
        {
            scopes.Insert(0, "openid");
        }

        return scopes.Distinct(StringComparer.Ordinal).ToList();
    }
}

/// <summary>Passwords kept by this server (<c>AuthServer:LocalAccounts</c>).</summary>
public sealed class LocalAccountsOptions
{
    /// <summary>False: the sign-in page shows only the upstream providers, and a posted password is refused.</summary>
    public bool Enabled { get; set; } = true;
}
