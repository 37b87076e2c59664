using Microsoft.IdentityModel.Tokens;

namespace McpAspire.AuthServer.Persistence.Keys;

/// <summary>OpenIddict's server keys from DynamoDB: <c>.AddServer(o => o.UseDynamoDbKeys())</c>.</summary>
public static class OpenIddictServerKeysExtensions
{
    public static OpenIddictServerBuilder UseDynamoDbKeys(this OpenIddictServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<OpenIddictServerKeyRing>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OpenIddictServerOptions>, ConfigureServerKeys>());
        return builder;
    }

    /// <summary>
    /// Adds the keys when OpenIddict's options are first built (at the first request, after the tables were
    /// created). Options are built synchronously, hence the blocking load; it happens once per process.
    /// </summary>
    private sealed class ConfigureServerKeys(OpenIddictServerKeyRing keyRing) : IConfigureOptions<OpenIddictServerOptions>
    {
        public void Configure(OpenIddictServerOptions options)
        {
            foreach (var key in keyRing.LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None).GetAwaiter().GetResult())
            {
                options.SigningCredentials.Add(new SigningCredentials(key.Key, SecurityAlgorithms.RsaSha256));
            }

            foreach (var key in keyRing.LoadOrCreateAsync(ServerKeyUse.Encryption, CancellationToken.None).GetAwaiter().GetResult())
            {
                options.EncryptionCredentials.Add(new EncryptingCredentials(key.Key, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
            }

            // OpenIddict signs and encrypts with a symmetric key whenever one is registered, identity tokens excepted
            // (they are signed with the RSA key above, which the JWKS publishes; symmetric keys are never published).
            // Every other token is read by this server alone, so no request path does an RSA operation for it: an
            // introspection verifies an HMAC, a refresh unwraps an AES key (docs/benchmarks.md, issue 16).
            foreach (var key in keyRing.LoadOrCreateAsync(ServerKeyUse.SymmetricSigning, CancellationToken.None).GetAwaiter().GetResult())
            {
                options.SigningCredentials.Add(new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256));
            }

            foreach (var key in keyRing.LoadOrCreateAsync(ServerKeyUse.SymmetricEncryption, CancellationToken.None).GetAwaiter().GetResult())
            {
                options.EncryptionCredentials.Add(new EncryptingCredentials(key.Key, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
            }
        }
    }
}
