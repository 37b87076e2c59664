using System.Security.Cryptography;
using McpAspire.AuthServer.Persistence.Keys;
using Microsoft.AspNetCore.DataProtection;
using OpenIddict.Server;

namespace McpAspire.AuthServer.Tests.Persistence;

public sealed class KeyRingTests(DynamoDbLocalFixture dynamoDb) : IAsyncLifetime, IClassFixture<DynamoDbLocalFixture>
{
    private readonly string _prefix = TablePrefix.New("keys");

    public async ValueTask InitializeAsync() => await dynamoDb.ProvisionAsync(_prefix);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private IHost Replica(string? prefix = null) => dynamoDb.CreateHost(prefix ?? _prefix, configure: services =>
        services.AddOpenIddict().AddServer(server =>
        {
            server.UseDynamoDbKeys();
            server.SetTokenEndpointUris("connect/token");
            server.AllowClientCredentialsFlow();
        }));

    [Fact]
    public async Task A_payload_protected_by_one_replica_is_unprotected_by_another_after_a_restart()
    {
        string protectedPayload;
        using (var first = Replica())
        {
            protectedPayload = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Protect("a cookie's content");
        }

        using var second = Replica();
        Assert.Equal("a cookie's content", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Unprotect(protectedPayload));

        var stored = await dynamoDb.Client.QueryAsync(new QueryRequest
        {
            TableName = new DynamoDbTableNames(_prefix).DataProtectionKeys,
            KeyConditionExpression = "#p = :p",
            ExpressionAttributeNames = new() { ["#p"] = DynamoDbSchema.KeyPurpose },
            ExpressionAttributeValues = new() { [":p"] = new AttributeValue { S = "data-protection" } },
        });
        Assert.NotEmpty(stored.Items);
    }

    [Fact]
    public async Task Replicas_starting_together_agree_on_one_signing_and_one_encryption_key()
    {
        using var first = Replica();
        using var second = Replica();

        var keys = await Task.WhenAll(
            first.Services.GetRequiredService<OpenIddictServerKeyRing>().LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None),
            second.Services.GetRequiredService<OpenIddictServerKeyRing>().LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None));

        Assert.Equal(Assert.Single(keys[0]).Key.KeyId, Assert.Single(keys[1]).Key.KeyId);
    }

    [Fact]
    public void A_token_signed_and_encrypted_by_one_replica_is_accepted_by_another()
    {
        using var first = Replica();
        using var second = Replica();
        var firstOptions = first.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        var secondOptions = second.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;

        // An RSA key (identity tokens) and a symmetric one (every other token) of each use, the same in both replicas.
        Assert.Equal(KeyIds(firstOptions.SigningCredentials.Select(c => c.Key)), KeyIds(secondOptions.SigningCredentials.Select(c => c.Key)));
        Assert.Equal(KeyIds(firstOptions.EncryptionCredentials.Select(c => c.Key)), KeyIds(secondOptions.EncryptionCredentials.Select(c => c.Key)));
        Assert.Equal(["RsaSecurityKey", "SymmetricSecurityKey"], firstOptions.SigningCredentials.Select(c => c.Key.GetType().Name).Order(StringComparer.Ordinal));
        Assert.Equal(["RsaSecurityKey", "SymmetricSecurityKey"], firstOptions.EncryptionCredentials.Select(c => c.Key.GetType().Name).Order(StringComparer.Ordinal));

        var data = Encoding.UTF8.GetBytes("header.payload");
        var rsa = (Microsoft.IdentityModel.Tokens.RsaSecurityKey)firstOptions.SigningCredentials.Single(c => c.Key is Microsoft.IdentityModel.Tokens.RsaSecurityKey).Key;
        var signature = rsa.Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var verifier = (Microsoft.IdentityModel.Tokens.RsaSecurityKey)secondOptions.SigningCredentials.Single(c => c.Key.KeyId == rsa.KeyId).Key;
        Assert.True(verifier.Rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        var hmac = (Microsoft.IdentityModel.Tokens.SymmetricSecurityKey)firstOptions.SigningCredentials.Single(c => c.Key is Microsoft.IdentityModel.Tokens.SymmetricSecurityKey).Key;
        var hmacElsewhere = (Microsoft.IdentityModel.Tokens.SymmetricSecurityKey)secondOptions.SigningCredentials.Single(c => c.Key.KeyId == hmac.KeyId).Key;
        Assert.Equal(32, hmac.Key.Length);
        Assert.Contains(hmac.Key, b => b != 0); // the loaded key, not the wiped buffer it was read into
        Assert.Equal(HMACSHA256.HashData(hmac.Key, data), HMACSHA256.HashData(hmacElsewhere.Key, data));
    }

    private static string[] KeyIds(IEnumerable<Microsoft.IdentityModel.Tokens.SecurityKey> keys) => [.. keys.Select(key => key.KeyId).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_rotated_key_is_accepted_at_once_and_used_for_signing_only_from_its_activation()
    {
        var prefix = TablePrefix.New("rotation");
        await dynamoDb.ProvisionAsync(prefix);
        using var replica = Replica(prefix);
        var ring = replica.Services.GetRequiredService<OpenIddictServerKeyRing>();
        var first = Assert.Single(await ring.LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None));

        await ring.RotateAsync(ServerKeyUse.Signing, DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None);
        var afterScheduling = await ring.LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None);
        Assert.Equal([1, 2], afterScheduling.Select(key => key.Generation));
        Assert.Equal(first.Key.KeyId, afterScheduling[0].Key.KeyId);

        var third = await ring.RotateAsync(ServerKeyUse.Signing, DateTimeOffset.UtcNow.AddSeconds(-1), CancellationToken.None);
        var afterActivation = await ring.LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None);
        Assert.Equal([third, 2, 1], afterActivation.Select(key => key.Generation));

        await ring.RetireAsync(ServerKeyUse.Signing, 1, CancellationToken.None);
        Assert.DoesNotContain(await ring.LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None), key => key.Generation == 1);
    }
}
