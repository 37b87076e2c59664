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
        }
    }
}
