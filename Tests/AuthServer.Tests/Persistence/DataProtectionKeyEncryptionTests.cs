using System.Security.Cryptography;
using System.Xml.Linq;
using McpAspire.AuthServer.Persistence.DataProtection;
using McpAspire.AuthServer.Persistence.Keys;
using McpAspire.KeyRings;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpAspire.AuthServer.Tests.Persistence;

/// <summary>
/// Issue 12 item 7: Data Protection's master keys are encrypted at rest under a key-encryption key from configuration,
/// in a table of their own, so a reader of the tables (a backup, a broad IAM role) can neither forge tokens nor cookies.
/// </summary>
public sealed class DataProtectionKeyEncryptionTests(DynamoDbLocalFixture dynamoDb) : IClassFixture<DynamoDbLocalFixture>
{
    private const string OpenIddictKeyPurpose = "McpAspire.AuthServer.OpenIddictServerKeys.v1";
    private static readonly XName EncryptedSecret = XName.Get("encryptedSecret", "http://schemas.asp.net/2015/03/dataProtection");

    [Fact]
    public async Task The_stored_key_holds_only_an_encrypted_secret_and_the_master_key_appears_nowhere_in_DynamoDB()
    {
        var (prefix, kek) = (await NewTablesAsync("at-rest"), NewSecret());
        using var host = Instance(prefix, kek);
        host.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Protect("a cookie's content");

        var stored = Assert.Single(await RawElementsAsync(new DynamoDbTableNames(prefix).DataProtectionKeys));
        var encryptedSecret = Assert.Single(stored.Descendants(EncryptedSecret));
        Assert.StartsWith(WrappedKeyXmlDecryptor.TypeName + ", AuthServer", (string?)encryptedSecret.Attribute("decryptorType"), StringComparison.Ordinal);
        Assert.Empty(stored.Descendants("masterKey"));

        // The master key, as only a holder of the key-encryption key can recover it, is in no attribute of any table.
        var masterKey = MasterKeyValue(stored, kek);
        Assert.True(Convert.FromBase64String(masterKey).Length >= 32);
        foreach (var table in new DynamoDbTableNames(prefix).All)
        {
            Assert.False((await ScanTextAsync(table)).Contains(masterKey, StringComparison.Ordinal), $"Table {table} holds the plaintext master key.");
        }
    }

    [Fact]
    public async Task The_ring_lives_in_its_own_table_and_the_OpenIddict_keys_table_holds_no_Data_Protection_key()
    {
        var (prefix, kek) = (await NewTablesAsync("apart"), NewSecret());
        var tables = new DynamoDbTableNames(prefix);
        using var host = Instance(prefix, kek, withOpenIddictKeys: true);
        var signing = await host.Services.GetRequiredService<OpenIddictServerKeyRing>().LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None);
        Assert.Single(signing);

        var keysTable = await ScanAsync(tables.Keys);
        Assert.NotEmpty(keysTable);
        Assert.All(keysTable, item => Assert.StartsWith("openiddict-", item[DynamoDbSchema.KeyPurpose].S, StringComparison.Ordinal));
        Assert.DoesNotContain(keysTable, item => item.Values.Any(value => value.S?.Contains("<key ", StringComparison.Ordinal) == true));

        var ring = await ScanAsync(tables.DataProtectionKeys);
        Assert.NotEmpty(ring);
        Assert.All(ring, item => Assert.Equal(DynamoDbXmlRepository.Purpose, item[DynamoDbSchema.KeyPurpose].S));
    }

    [Fact]
    public async Task A_second_instance_with_the_same_secret_reads_the_ring_and_unprotects_payloads()
    {
        var (prefix, kek) = (await NewTablesAsync("same-secret"), NewSecret());
        string payload;
        string keyId;
        using (var first = Instance(prefix, kek, withOpenIddictKeys: true))
        {
            payload = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Protect("a cookie's content");
            keyId = (await first.Services.GetRequiredService<OpenIddictServerKeyRing>().LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None))[0].Key.KeyId;
        }

        using var second = Instance(prefix, kek, withOpenIddictKeys: true);
        Assert.Equal("a cookie's content", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Unprotect(payload));
        var signing = await second.Services.GetRequiredService<OpenIddictServerKeyRing>().LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None);
        Assert.Equal(keyId, Assert.Single(signing).Key.KeyId);
    }

    [Fact]
    public async Task An_instance_with_a_different_secret_can_neither_unprotect_payloads_nor_load_the_OpenIddict_keys_and_says_why()
    {
        var prefix = await NewTablesAsync("other-secret");
        var (rightKek, wrongKek) = (NewSecret(), NewSecret());
        string payload;
        using (var right = Instance(prefix, rightKek, withOpenIddictKeys: true))
        {
            payload = right.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Protect("a cookie's content");
            await right.Services.GetRequiredService<OpenIddictServerKeyRing>().LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None);
        }

        var logs = new CapturingLoggerProvider();
        using var wrong = Instance(prefix, wrongKek, withOpenIddictKeys: true, logs);
        Assert.ThrowsAny<CryptographicException>(() => wrong.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Unprotect(payload));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(
            () => wrong.Services.GetRequiredService<OpenIddictServerKeyRing>().LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None));
        Assert.Contains(KeyEncryptionOptions.KeyEncryptionKeySetting, failure.Message, StringComparison.Ordinal);

        // The logs say which key-encryption key is missing (by its public id) and never print either secret.
        var logged = string.Join("\n", logs.Entries.Select(entry => entry.Message + " " + entry.Exception));
        Assert.Contains("which this instance does not hold", logged, StringComparison.Ordinal);
        Assert.False(logged.Contains(rightKek, StringComparison.Ordinal) || logged.Contains(wrongKek, StringComparison.Ordinal), "A secret was logged.");
    }

    [Fact]
    public async Task An_attacker_who_reads_both_tables_cannot_reconstruct_a_master_key_even_with_our_code_and_the_development_key()
    {
        var (prefix, kek) = (await NewTablesAsync("attacker"), NewSecret());
        var tables = new DynamoDbTableNames(prefix);
        string cookie;
        using (var server = Instance(prefix, kek, withOpenIddictKeys: true))
        {
            cookie = server.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Protect("a cookie's content");
            await server.Services.GetRequiredService<OpenIddictServerKeyRing>().LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None);
        }

        // Everything a backup of the two tables holds.
        var stolenRing = await RawElementsAsync(tables.DataProtectionKeys);
        var stolenPrivateKey = (await ScanAsync(tables.Keys)).First(item => item[DynamoDbSchema.KeyPurpose].S == "openiddict-signing")["protected_key"].S;
        Assert.NotEmpty(stolenRing);
        Assert.All(stolenRing, element => Assert.Empty(element.Descendants("masterKey")));

        // The attacker runs Data Protection with the stolen ring, this project's decryptor and the Development key.
        using var attacker = AttackerProvider(stolenRing, KeyEncryptionOptions.DevelopmentOnlyKeyEncryptionKey);
        var dataProtection = attacker.GetRequiredService<IDataProtectionProvider>();
        Assert.ThrowsAny<CryptographicException>(() => dataProtection.CreateProtector("tests").Unprotect(cookie));
        Assert.ThrowsAny<CryptographicException>(() => dataProtection.CreateProtector(OpenIddictKeyPurpose).Unprotect(Convert.FromBase64String(stolenPrivateKey)));

        // The same ring with the real key-encryption key does decrypt: the attack failed for want of the secret alone.
        using var holder = AttackerProvider(stolenRing, kek);
        Assert.Equal("a cookie's content", holder.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Unprotect(cookie));
    }

    [Fact]
    public async Task A_plaintext_ring_from_an_earlier_version_is_moved_encrypted_and_still_protects_what_it_protected()
    {
        var (prefix, kek) = (await NewTablesAsync("upgrade"), NewSecret());
        var tables = new DynamoDbTableNames(prefix);

        // What the earlier version left: the ring unencrypted in the keys table, and an OpenIddict key protected by it.
        string cookie;
        byte[] protectedRsaKey;
        string rsaKeyModulus;
        var legacyRing = new MemoryXmlRepository();
        using (var legacy = PlainDataProtection(legacyRing))
        {
            var provider = legacy.GetRequiredService<IDataProtectionProvider>();
            cookie = provider.CreateProtector("tests").Protect("a cookie's content");
            using var rsa = RSA.Create(2048);
            rsaKeyModulus = Convert.ToBase64String(rsa.ExportParameters(false).Modulus!);
            protectedRsaKey = provider.CreateProtector(OpenIddictKeyPurpose).Protect(rsa.ExportPkcs8PrivateKey());
        }

        var legacyElement = Assert.Single(legacyRing.GetAllElements());
        Assert.NotEmpty(legacyElement.Descendants("masterKey"));
        var legacyId = "key-" + (string)legacyElement.Attribute("id")!;
        await PutAsync(tables.Keys, new()
        {
            [DynamoDbSchema.KeyPurpose] = new AttributeValue { S = DynamoDbXmlRepository.Purpose },
            [DynamoDbSchema.Id] = new AttributeValue { S = legacyId },
            ["xml"] = new AttributeValue { S = legacyElement.ToString(SaveOptions.DisableFormatting) },
        });
        await PutAsync(tables.Keys, new()
        {
            [DynamoDbSchema.KeyPurpose] = new AttributeValue { S = "openiddict-signing" },
            [DynamoDbSchema.Id] = new AttributeValue { S = "000001" },
            ["protected_key"] = new AttributeValue { S = Convert.ToBase64String(protectedRsaKey) },
            ["activates_at"] = new AttributeValue { S = DateTimeOffset.UtcNow.AddDays(-1).ToString("O", CultureInfo.InvariantCulture) },
        });

        using var upgraded = Instance(prefix, kek, withOpenIddictKeys: true);
        Assert.Equal("a cookie's content", upgraded.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Unprotect(cookie));
        var signing = Assert.Single(await upgraded.Services.GetRequiredService<OpenIddictServerKeyRing>().LoadOrCreateAsync(ServerKeyUse.Signing, CancellationToken.None));
        Assert.Equal(rsaKeyModulus, Convert.ToBase64String(((Microsoft.IdentityModel.Tokens.RsaSecurityKey)signing.Key).Rsa.ExportParameters(false).Modulus!));

        // The element moved, its secret now encrypted; nothing of the ring is left in the keys table.
        var moved = Assert.Single(await RawElementsAsync(tables.DataProtectionKeys));
        Assert.Equal((string?)legacyElement.Attribute("id"), (string?)moved.Attribute("id"));
        Assert.Single(moved.Descendants(EncryptedSecret));
        Assert.Empty(moved.Descendants("masterKey"));
        Assert.DoesNotContain(await ScanAsync(tables.Keys), item => item[DynamoDbSchema.KeyPurpose].S == DynamoDbXmlRepository.Purpose);
        Assert.False((await ScanTextAsync(tables.DataProtectionKeys)).Contains(MasterKeyValue(moved, kek), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rotating_the_key_encryption_key_keeps_the_ring_readable_through_the_previous_key_and_wraps_new_keys_under_the_new_one()
    {
        var prefix = await NewTablesAsync("rotation");
        var (oldKek, newKek) = (NewSecret(), NewSecret());
        string payload;
        using (var before = Instance(prefix, oldKek))
        {
            payload = before.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Protect("a cookie's content");
        }

        using var after = Instance(prefix, newKek, previousKek: oldKek);
        Assert.Equal("a cookie's content", after.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Unprotect(payload));
        var now = DateTimeOffset.UtcNow;
        after.Services.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90));

        var wrappedUnder = (await RawElementsAsync(new DynamoDbTableNames(prefix).DataProtectionKeys))
            .Select(element => (string?)element.Descendants("wrappedKey").Single().Attribute("kek"))
            .ToList();
        Assert.Equal(2, wrappedUnder.Count);
        Assert.Contains(Wrapper(oldKek).CurrentKeyId, wrappedUnder);
        Assert.Contains(Wrapper(newKek).CurrentKeyId, wrappedUnder);

        // Without the previous key the old key is unreadable: it must stay configured until no payload needs it.
        using var withoutPrevious = Instance(prefix, newKek);
        Assert.ThrowsAny<CryptographicException>(() => withoutPrevious.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("tests").Unprotect(payload));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("too-short")]
    public async Task Outside_Development_the_server_refuses_to_start_without_a_proper_key_encryption_key(string? kek)
    {
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DynamoDb:TablePrefix"] = TablePrefix.New("production"),
            [KeyEncryptionOptions.KeyEncryptionKeySetting] = kek,
        });
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddSingleton<Amazon.DynamoDBv2.IAmazonDynamoDB>(_ => DynamoDbLocalFixture.CreateClient(dynamoDb.ServiceUrl));
        builder.AddDynamoDbPersistence();
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(KeyEncryptionOptions.KeyEncryptionKeySetting, failure.Message, StringComparison.Ordinal);
        if (kek is null)
        {
            var line = Assert.Single(logs.Entries, entry => entry.Level == LogLevel.Critical);
            Assert.Contains(KeyEncryptionOptions.KeyEncryptionKeySetting, line.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_decryptor_keeps_the_type_name_written_into_every_stored_key()
        => Assert.Equal(WrappedKeyXmlDecryptor.TypeName, typeof(WrappedKeyXmlDecryptor).FullName);

    private async Task<string> NewTablesAsync(string name)
    {
        var prefix = TablePrefix.New(name);
        await dynamoDb.ProvisionAsync(prefix);
        return prefix;
    }

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static LocalKeyEncryptionKeyWrapper Wrapper(string kek)
        => new(Options.Create(new KeyEncryptionOptions { KeyEncryptionKey = kek }), NullLogger<LocalKeyEncryptionKeyWrapper>.Instance);

    private IHost Instance(string prefix, string kek, bool withOpenIddictKeys = false, CapturingLoggerProvider? logs = null, string? previousKek = null)
    {
        var configuration = new Dictionary<string, string?> { [KeyEncryptionOptions.KeyEncryptionKeySetting] = kek };
        if (previousKek is not null)
        {
            configuration[KeyEncryptionOptions.PreviousKeyEncryptionKeysSetting + ":0"] = previousKek;
        }

        return dynamoDb.CreateHost(prefix, configuration, services =>
        {
            if (logs is not null)
            {
                services.AddLogging(logging => logging.AddProvider(logs));
            }

            if (withOpenIddictKeys)
            {
                services.AddOpenIddict().AddServer(server =>
                {
                    server.UseDynamoDbKeys();
                    server.SetTokenEndpointUris("connect/token");
                    server.AllowClientCredentialsFlow();
                });
            }
        });
    }

    /// <summary>The master key's base64 value, recovered the only way possible: with the key-encryption key.</summary>
    private static string MasterKeyValue(XElement storedKey, string kek)
    {
        var wrapped = storedKey.Descendants("wrappedKey").Single();
        var plaintext = Wrapper(kek).Unwrap(new WrappedKey(
            (string)wrapped.Attribute("scheme")!, (string)wrapped.Attribute("kek")!, Convert.FromBase64String((string)wrapped.Element("value")!)));
        return XElement.Parse(Encoding.UTF8.GetString(plaintext)).Element("value")!.Value;
    }

    private static ServiceProvider AttackerProvider(IReadOnlyCollection<XElement> stolenRing, string guessedKek)
    {
        var repository = new MemoryXmlRepository();
        foreach (var element in stolenRing)
        {
            repository.StoreElement(element, "");
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IDataProtectionKeyWrapper>(Wrapper(guessedKek));
        services.AddDataProtection().SetApplicationName(DataProtectionExtensions.ApplicationName).DisableAutomaticKeyGeneration();
        services.Configure<KeyManagementOptions>(options => options.XmlRepository = repository);
        return services.BuildServiceProvider();
    }

    /// <summary>Data Protection as the earlier version ran it: no key encryption.</summary>
    private static ServiceProvider PlainDataProtection(IXmlRepository repository)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName(DataProtectionExtensions.ApplicationName);
        services.Configure<KeyManagementOptions>(options => options.XmlRepository = repository);
        return services.BuildServiceProvider();
    }

    private async Task PutAsync(string table, Dictionary<string, AttributeValue> item)
        => await dynamoDb.Client.PutItemAsync(new PutItemRequest { TableName = table, Item = item });

    private async Task<List<Dictionary<string, AttributeValue>>> ScanAsync(string table)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        var request = new ScanRequest { TableName = table, ConsistentRead = true };
        do
        {
            var response = await dynamoDb.Client.ScanAsync(request);
            items.AddRange(response.Items ?? []);
            request.ExclusiveStartKey = response.LastEvaluatedKey;
        }
        while (request.ExclusiveStartKey is { Count: > 0 });

        return items;
    }

    /// <summary>Every string attribute of every item, as an attacker with read access would dump it.</summary>
    private async Task<string> ScanTextAsync(string table)
        => string.Join("\n", (await ScanAsync(table)).SelectMany(item => item.Values.Select(value => value.S ?? value.N ?? "")));

    private async Task<List<XElement>> RawElementsAsync(string table)
        => [.. (await ScanAsync(table)).Select(item => XElement.Parse(item["xml"].S))];

    private sealed class MemoryXmlRepository : IXmlRepository
    {
        private readonly List<XElement> _elements = [];

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            lock (_elements)
            {
                return [.. _elements.Select(element => new XElement(element))];
            }
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            lock (_elements)
            {
                _elements.Add(new XElement(element));
            }
        }
    }
}
