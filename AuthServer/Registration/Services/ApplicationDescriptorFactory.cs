using McpAspire.AuthServer.Registration.Model;
using McpAspire.AuthServer.Registration.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Registration.Services;

/// <summary>
/// Turns accepted client metadata into what OpenIddict enforces: client type, application type, redirect URIs,
/// permissions and requirements. Shared by dynamic registrations and Client ID Metadata Documents.
/// </summary>
public sealed class ApplicationDescriptorFactory(IOptionsMonitor<RegistrationOptions> options)
{
    /// <summary>
    /// Sets everything the metadata decides on <paramref name="descriptor"/>, replacing what was there
    /// (an RFC 7592 update replaces, never augments). Client id, secret and properties are left to the caller.
    /// </summary>
    public void Apply(ClientMetadata metadata, OpenIddictApplicationDescriptor descriptor)
    {
        descriptor.ClientType = metadata.IsConfidential ? ClientTypes.Confidential : ClientTypes.Public;

        // OpenIddict ignores the port of a loopback redirect URI only for native applications (RFC 8252 §7.3).
        descriptor.ApplicationType = metadata.ApplicationType == ClientApplicationTypes.Native
            ? ApplicationTypes.Native
            : ApplicationTypes.Web;

        // Third-party clients: the user always decides on the consent page.
        descriptor.ConsentType = ConsentTypes.Explicit;
        descriptor.DisplayName = metadata.ClientName;

        descriptor.RedirectUris.Clear();
        foreach (var value in metadata.RedirectUris)
        {
            var uri = new Uri(value, UriKind.Absolute);
            descriptor.RedirectUris.Add(uri);
            if (RedirectUriRules.AnyPortVariant(uri) is { } anyPort)
            {
                descriptor.RedirectUris.Add(anyPort);
            }
        }

        descriptor.Permissions.Clear();
        descriptor.Permissions.UnionWith(PermissionsFor(metadata));

        descriptor.Requirements.Clear();
        if (metadata.GrantTypes.Contains(ClientGrantTypes.AuthorizationCode))
        {
            // OAuth 2.1 and MCP: PKCE on every authorization code request, whatever the client type.
            descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        }
    }

    private IEnumerable<string> PermissionsFor(ClientMetadata metadata)
    {
        yield return Permissions.Endpoints.Token;
        yield return Permissions.Endpoints.Revocation;

        if (metadata.GrantTypes.Contains(ClientGrantTypes.AuthorizationCode))
        {
            yield return Permissions.Endpoints.Authorization;
            yield return Permissions.GrantTypes.AuthorizationCode;
            yield return Permissions.ResponseTypes.Code;
        }

        if (metadata.GrantTypes.Contains(ClientGrantTypes.RefreshToken))
        {
            yield return Permissions.GrantTypes.RefreshToken;
        }

        // Every scope the server knows: what a token finally carries is decided at authorization time (consent,
        // scope policy), and clients step up to mcp:write with the scope a 403 challenge names.
        foreach (var scope in McpScopes.Supported)
        {
            yield return Permissions.Prefixes.Scope + scope;
        }

        if (options.CurrentValue.McpResource is { Length: > 0 } resource)
        {
            yield return Permissions.Prefixes.Resource + resource;
        }
    }
}
