using OpenIddict.Core;

namespace McpAspire.AuthServer.ClientAuthentication;

/// <summary>
/// OpenIddict's application manager, unchanged except that a client secret it verified recently is not derived
/// again (see <see cref="VerifiedClientSecrets"/>). Everything else, including how secrets are hashed and which
/// clients may use one, stays OpenIddict's.
/// </summary>
public sealed class VerifiedSecretsApplicationManager<TApplication>(
    IOpenIddictApplicationCache<TApplication> cache,
    ILogger<OpenIddictApplicationManager<TApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<TApplication> store,
    VerifiedClientSecrets verified)
    : OpenIddictApplicationManager<TApplication>(cache, logger, options, store)
    where TApplication : class
{
    protected override async ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(comparand))
        {
            return await base.ValidateClientSecretAsync(secret, comparand, cancellationToken);
        }

        if (verified.Contains(comparand, secret))
        {
            return true;
        }

        var valid = await base.ValidateClientSecretAsync(secret, comparand, cancellationToken);
        if (valid)
        {
            verified.Add(comparand, secret);
        }

        return valid;
    }
}
