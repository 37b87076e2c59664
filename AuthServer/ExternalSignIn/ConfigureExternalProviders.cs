using McpAspire.AuthServer.Persistence.Keys;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Client;
using OpenIddict.Client.WebIntegration;
using static OpenIddict.Client.WebIntegration.OpenIddictClientWebIntegrationConstants;

namespace McpAspire.AuthServer.ExternalSignIn;

/// <summary>
/// OpenIddict's client options from the validated <see cref="ExternalSignInOptions"/>: one registration per provider
/// (its own callback path, so a response can never be mixed up with another provider's), and the credentials that
/// protect the client's state tokens.
/// </summary>
internal sealed class ConfigureExternalProviders(IOptions<ExternalSignInOptions> settings, OpenIddictServerKeyRing keyRing)
    : IConfigureOptions<OpenIddictClientOptions>
{
    public void Configure(OpenIddictClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, provider) in settings.Value.OrderedProviders())
        {
            options.Registrations.Add(provider.Kind switch
            {
                ExternalProviderKind.GitHub => GitHub(name, provider),
                _ => OpenIdConnect(name, provider),
            });
        }

        // The state token (what was asked, the PKCE verifier, the nonce and the return URL, bound to a correlation
        // cookie) is signed and encrypted with the keys the server signs and encrypts with: kept in DynamoDB,
        // the same on every replica (a callback may reach another one) and across restarts. Its type (oi_stet+jwt)
        // keeps it from ever passing for one of the server's tokens. Loaded when the options are first built, like
        // the server's (Persistence/Keys/OpenIddictServerKeysExtensions).
        foreach (var key in keyRing.LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None).GetAwaiter().GetResult())
        {
            options.SigningCredentials.Add(new SigningCredentials(key.Key, SecurityAlgorithms.RsaSha256));
        }

        foreach (var key in keyRing.LoadOrCreateAsync(ServerKeyUse.Encryption, CancellationToken.None).GetAwaiter().GetResult())
        {
            options.EncryptionCredentials.Add(new EncryptingCredentials(key.Key, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }

    private static OpenIddictClientRegistration OpenIdConnect(string name, ExternalProviderOptions provider)
    {
        var registration = new OpenIddictClientRegistration
        {
            Issuer = provider.Authority,
            ClientId = provider.ClientId,
            ClientSecret = provider.ClientSecret,
            RedirectUri = CallbackUri(name),
        };
        Name(registration, name, provider);
        registration.Scopes.UnionWith(provider.EffectiveScopes());
        return registration;
    }

    /// <summary>GitHub through OpenIddict's web providers, which know its endpoints and how it names users.</summary>
    private static OpenIddictClientRegistration GitHub(string name, ExternalProviderOptions provider)
    {
        var registration = new OpenIddictClientRegistration
        {
            ProviderSettings = new OpenIddictClientWebIntegrationSettings.GitHub(),
            ProviderType = ProviderTypes.GitHub,
        };
        new OpenIddictClientWebIntegrationBuilder.GitHub(registration)
            .SetClientId(provider.ClientId!)
            .SetClientSecret(provider.ClientSecret!)
            .SetRedirectUri(CallbackUri(name))
            .AddScopes([.. provider.EffectiveScopes().Where(scope => scope is not ("openid" or "profile" or "email"))]);
        Name(registration, name, provider);
        return registration;
    }

    private static void Name(OpenIddictClientRegistration registration, string name, ExternalProviderOptions provider)
    {
        registration.RegistrationId = name;
        registration.ProviderName = name;
        registration.ProviderDisplayName = provider.EffectiveDisplayName(name);
    }

    /// <summary>Relative: resolved against the request's own origin, as the sign-in page was reached.</summary>
    private static Uri CallbackUri(string name) => new(ExternalSignInOptions.CallbackPath(name).TrimStart('/'), UriKind.Relative);
}
