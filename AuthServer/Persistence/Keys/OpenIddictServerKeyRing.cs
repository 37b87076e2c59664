using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.DataProtection;
using McpAspire.AuthServer.Persistence.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Tokens;

namespace McpAspire.AuthServer.Persistence.Keys;

/// <summary>What an OpenIddict server key is for.</summary>
public enum ServerKeyUse
{
    /// <summary>RSA: identity tokens, which clients verify with the public key the JWKS publishes.</summary>
    Signing,

    /// <summary>RSA: decrypts what was encrypted before the symmetric key existed.</summary>
    Encryption,

    /// <summary>
    /// HMAC-SHA256: every token only this server reads (the stored payloads of reference access and refresh tokens,
    /// authorization codes). OpenIddict signs with a symmetric key whenever it may (all but identity tokens), so an
    /// introspection verifies an HMAC instead of an RSA signature. Never published.
    /// </summary>
    SymmetricSigning,

    /// <summary>AES-256 key wrap: encrypts refresh tokens and codes, instead of an RSA private-key operation each time.</summary>
    SymmetricEncryption,
}

/// <summary>One generation of a server key, private part included (an RSA key, or a symmetric one).</summary>
public sealed record ServerKey(ServerKeyUse Use, int Generation, DateTimeOffset ActivatesAt, SecurityKey Key);

/// <summary>
/// OpenIddict's signing and encryption keys, kept in the keys table (a partition per <see cref="ServerKeyUse"/>:
/// <c>openiddict-signing</c>, <c>openiddict-encryption</c>, <c>openiddict-signing-symmetric</c>,
/// <c>openiddict-encryption-symmetric</c>), their private parts and symmetric keys protected with Data Protection, whose own keys live encrypted in
/// another table (<see cref="DynamoDbTableNames.DataProtectionKeys"/>): a reader of this table alone gets no private key. Every replica loads
/// the same keys; the first generation is created once with a conditional put, so replicas starting
/// together agree on it. Rotation adds a generation that activates later: every replica restarted in
/// between already validates and decrypts with it, and signs with it from its first start after activation;
/// older generations stay until <see cref="RetireAsync"/> once the tokens they protected have expired.
/// </summary>
public sealed class OpenIddictServerKeyRing(
    IAmazonDynamoDB client,
    DynamoDbTableNames tables,
    IDataProtectionProvider dataProtection,
    TimeProvider clock,
    ILogger<OpenIddictServerKeyRing> logger)
{
    private const string ProtectedKeyAttribute = "protected_key";
    private const string ActivatesAtAttribute = "activates_at";
    private const string KeyIdAttribute = "key_id";
    private const int RsaKeySize = 2048;
    private const int SymmetricKeyBytes = 32;

    private readonly IDataProtector _protector = dataProtection.CreateProtector("McpAspire.AuthServer.OpenIddictServerKeys.v1");

    /// <summary>
    /// The keys of one use, the one to sign or encrypt with first (the newest active generation), then the
    /// others newest first (still accepted for validation and decryption). Creates generation 1 if none exists.
    /// </summary>
    public async Task<IReadOnlyList<ServerKey>> LoadOrCreateAsync(ServerKeyUse use, CancellationToken cancellationToken)
    {
        var keys = await LoadAsync(use, cancellationToken);
        if (keys.Count == 0)
        {
            await TryAddGenerationAsync(use, 1, clock.GetUtcNow(), cancellationToken);
            keys = await LoadAsync(use, cancellationToken);
            if (keys.Count == 0)
            {
                // Generation 1 exists (the put lost) but cannot be read: never sign with nothing, never replace it.
                throw new InvalidOperationException(
                    $"No readable OpenIddict {Purpose(use)} key in table {tables.Keys}: the stored ones could not be decrypted (see the errors " +
                    $"logged above). Check that {KeyEncryptionOptions.KeyEncryptionKeySetting} is the key the Data Protection ring was written with.");
            }
        }

        var now = clock.GetUtcNow();
        var current = keys.Where(key => key.ActivatesAt <= now).MaxBy(key => key.Generation) ?? keys.MinBy(key => key.Generation)!;
        return [current, .. keys.Where(key => key != current).OrderByDescending(key => key.Generation)];
    }

    /// <summary>Adds the next generation, used for signing/encryption from <paramref name="activatesAt"/> on.</summary>
    public async Task<int> RotateAsync(ServerKeyUse use, DateTimeOffset activatesAt, CancellationToken cancellationToken)
    {
        while (true)
        {
            var keys = await LoadAsync(use, cancellationToken);
            var next = keys.Count == 0 ? 1 : keys.Max(key => key.Generation) + 1;
            if (await TryAddGenerationAsync(use, next, activatesAt, cancellationToken))
            {
                return next;
            }
        }
    }

    /// <summary>Deletes a generation once no live token depends on it (after the longest token lifetime).</summary>
    public async Task RetireAsync(ServerKeyUse use, int generation, CancellationToken cancellationToken)
        => await client.DeleteItemAsync(new DeleteItemRequest { TableName = tables.Keys, Key = Key(use, generation) }, cancellationToken);

    private async Task<List<ServerKey>> LoadAsync(ServerKeyUse use, CancellationToken cancellationToken)
    {
        var keys = new List<ServerKey>();
        var request = new QueryRequest
        {
            TableName = tables.Keys,
            ConsistentRead = true,
            KeyConditionExpression = "#p = :p",
            ExpressionAttributeNames = new() { ["#p"] = DynamoDbSchema.KeyPurpose },
            ExpressionAttributeValues = new() { [":p"] = new AttributeValue { S = Purpose(use) } },
        };

        await foreach (var response in client.Paginators.Query(request).Responses.WithCancellation(cancellationToken))
        {
            foreach (var item in response.Items ?? [])
            {
                try
                {
                    keys.Add(Read(use, new ItemReader(item, tables.Keys)));
                }
                catch (Exception exception) when (exception is MalformedItemException or FormatException or CryptographicException)
                {
                    // A key we cannot read (corrupt, or protected by a Data Protection ring we do not have) is
                    // skipped loudly: the others still work, and generation 1 is never silently replaced.
                    PersistenceLog.MalformedItem(logger, tables.Keys, Purpose(use), exception.GetType().Name);
                }
            }
        }

        return keys;
    }

    private ServerKey Read(ServerKeyUse use, ItemReader item)
    {
        var id = item.Required(DynamoDbSchema.Id);
        var generation = int.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture);
        var privateKey = _protector.Unprotect(Convert.FromBase64String(item.Required(ProtectedKeyAttribute)));
        try
        {
            SecurityKey key;
            if (IsSymmetric(use))
            {
                // The key gets a copy of its own: the unprotected array is wiped below.
                key = new SymmetricSecurityKey(privateKey.ToArray()) { KeyId = item.Required(KeyIdAttribute) };
            }
            else
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(privateKey, out _);
                key = new RsaSecurityKey(rsa) { KeyId = KeyId(use, rsa) };
            }

            return new ServerKey(use, generation, item.Date(ActivatesAtAttribute) ?? DateTimeOffset.UnixEpoch, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    private async Task<bool> TryAddGenerationAsync(ServerKeyUse use, int generation, DateTimeOffset activatesAt, CancellationToken cancellationToken)
    {
        var symmetric = IsSymmetric(use);
        var (privateKey, keyId) = symmetric ? NewSymmetricKey(use) : NewRsaKey(use);
        try
        {
            var item = new ItemWriter()
                .String(DynamoDbSchema.KeyPurpose, Purpose(use))
                .String(DynamoDbSchema.Id, Id(generation))
                .String(ProtectedKeyAttribute, Convert.ToBase64String(_protector.Protect(privateKey)))
                // An RSA key's id is derived from its public part when read; a symmetric key's is random, hence stored.
                .String(KeyIdAttribute, symmetric ? keyId : null)
                .Date(ActivatesAtAttribute, activatesAt)
                .Date("created_at", clock.GetUtcNow())
                .Item;
            // The replica that loses this race uses the winner's key.
            if (!await DynamoDbNewItem.TryPutAsync(client, tables.Keys, item, DynamoDbSchema.Id, cancellationToken))
            {
                return false;
            }

            var purpose = Purpose(use);
            PersistenceLog.ServerKeyCreated(logger, purpose, keyId);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    private static (byte[] PrivateKey, string KeyId) NewRsaKey(ServerKeyUse use)
    {
        using var rsa = RSA.Create(RsaKeySize);
        return (rsa.ExportPkcs8PrivateKey(), KeyId(use, rsa));
    }

    /// <summary>A random key and a random id: an id derived from the key would publish a function of the secret.</summary>
    private static (byte[] PrivateKey, string KeyId) NewSymmetricKey(ServerKeyUse use)
        => (RandomNumberGenerator.GetBytes(SymmetricKeyBytes),
            (use == ServerKeyUse.SymmetricSigning ? "hs-" : "kw-") + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)));

    /// <summary>A public key id (the JWK thumbprint-like hash of the public modulus), stable across replicas.</summary>
    private static string KeyId(ServerKeyUse use, RSA rsa)
    {
        var modulus = rsa.ExportParameters(includePrivateParameters: false).Modulus!;
        var prefix = use == ServerKeyUse.Signing ? "sig-" : "enc-";
        return prefix + Base64UrlEncoder.Encode(SHA256.HashData(modulus))[..16];
    }

    private static bool IsSymmetric(ServerKeyUse use) => use is ServerKeyUse.SymmetricSigning or ServerKeyUse.SymmetricEncryption;

    private static Dictionary<string, AttributeValue> Key(ServerKeyUse use, int generation) => new(StringComparer.Ordinal)
    {
        [DynamoDbSchema.KeyPurpose] = new AttributeValue { S = Purpose(use) },
        [DynamoDbSchema.Id] = new AttributeValue { S = Id(generation) },
    };

    private static string Purpose(ServerKeyUse use) => use switch
    {
        ServerKeyUse.Signing => "openiddict-signing",
        ServerKeyUse.Encryption => "openiddict-encryption",
        ServerKeyUse.SymmetricSigning => "openiddict-signing-symmetric",
        ServerKeyUse.SymmetricEncryption => "openiddict-encryption-symmetric",
        _ => throw new ArgumentOutOfRangeException(nameof(use)),
    };

    // Zero-padded so the sort key orders generations numerically.
    private static string Id(int generation) => generation.ToString("D6", CultureInfo.InvariantCulture);
}
