using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.Runtime;
using McpAspire.AccessPolicy;
using McpAspire.AccessPolicy.JenkinsIdentity;
using McpAspire.KeyRings;
using Microsoft.Extensions.Configuration;

namespace McpAspire.AuthServer.Tests.Persistence;

/// <summary>
/// Linked Jenkins identities against the real DynamoDB Local, as the two services configure them: the auth server's
/// host protects and stores (and creates the ring's keys), the MCP server's host reads the policy with the identity in
/// one call and opens the token with the same key-encryption key, creating no key.
/// </summary>
public sealed class JenkinsIdentityStoreTests(DynamoDbLocalFixture dynamoDb) : IAsyncLifetime, IClassFixture<DynamoDbLocalFixture>
{
    private static readonly string[] OneBatchGet = ["BatchGetItem"];
    private static readonly string[] OneGet = ["GetItem"];

    private readonly string _prefix = TablePrefix.New("jenkins-ids");
    private readonly string _kek = DistributedApplicationTestFactory.RandomSecret();
    private readonly string _token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly List<IHost> _hosts = [];

    private DynamoDbTableNames Tables => new(_prefix);

    public async ValueTask InitializeAsync() => await dynamoDb.ProvisionAsync(_prefix);

    public ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_token_the_auth_server_protects_opens_in_the_mcp_server_and_neither_item_nor_key_ring_holds_a_secret_in_clear()
    {
        var (authServer, mcpServer) = (Host(createKeys: true, _kek), Host(createKeys: false, _kek));
        var linked = await LinkAsync(authServer, "alice-subject", "alice");
        var keysAfterLinking = await ScanAsync(Tables.JenkinsIdentityKeys);

        var (_, read) = await mcpServer.GetRequiredService<IAccessPolicyStore>().ReadWithIdentityAsync("alice-subject", CancellationToken.None);
        var opened = mcpServer.GetRequiredService<JenkinsTokenProtector>().Unprotect(read!);

        Assert.Equal(linked, read);
        Assert.Equal(_token, opened);
        var item = Assert.Single(await ScanAsync(Tables.JenkinsIdentities));
        Assert.DoesNotContain(item.Values, value => (value.S ?? "").Contains(_token, StringComparison.OrdinalIgnoreCase));
        Assert.Equal("alice", item[JenkinsIdentityTable.JenkinsUser].S);
        // The ring's keys: wrapped under the key-encryption key, decrypted by the shared ring decryptor; no master key in clear.
        var key = Assert.Single(keysAfterLinking);
        Assert.Equal(JenkinsIdentityTable.KeyRingPartition, key[DynamoDbXmlElements.PartitionAttribute].S);
        Assert.Contains("encryptedSecret", key[DynamoDbXmlElements.XmlAttribute].S, StringComparison.Ordinal);
        Assert.Contains(typeof(WrappedKeyRingDecryptor).FullName!, key[DynamoDbXmlElements.XmlAttribute].S, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", key[DynamoDbXmlElements.XmlAttribute].S, StringComparison.Ordinal);
        // Reading created no key: the MCP server never writes the ring.
        Assert.Single(await ScanAsync(Tables.JenkinsIdentityKeys));
        // The auth server's own ring is elsewhere and untouched by this one.
        Assert.Empty(await ScanAsync(Tables.DataProtectionKeys));
    }

    [Fact]
    public async Task The_token_does_not_open_under_another_key_encryption_key_nor_moved_to_another_user_or_jenkins_user()
    {
        var authServer = Host(createKeys: true, _kek);
        var linked = await LinkAsync(authServer, "bob-subject", "bob");
        var protector = authServer.GetRequiredService<JenkinsTokenProtector>();

        var otherKek = Host(createKeys: false, DistributedApplicationTestFactory.RandomSecret()).GetRequiredService<JenkinsTokenProtector>();

        Assert.ThrowsAny<CryptographicException>(() => otherKek.Unprotect(linked));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(linked with { Subject = "mallory-subject" }));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(linked with { JenkinsUser = "admin" }));
        Assert.Equal(_token, protector.Unprotect(linked));
    }

    [Fact]
    public async Task A_users_tool_call_reads_policy_and_identity_in_one_BatchGetItem_a_machines_in_one_GetItem_and_an_unlink_shows_on_the_next_read()
    {
        var authServer = Host(createKeys: true, _kek);
        var mcpServer = Host(createKeys: false, _kek);
        var policies = mcpServer.GetRequiredService<IAccessPolicyStore>();
        await authServer.GetRequiredService<IAccessPolicyStore>().SaveAsync([new AccessRule(Subject.Everyone, ItemPattern.Parse("**"), [JenkinsAction.Read])], 0, "admin", CancellationToken.None);
        await LinkAsync(authServer, "carol-subject", "carol");

        var linked = await CountedAsync(() => policies.ReadWithIdentityAsync("carol-subject", CancellationToken.None));
        var notLinked = await CountedAsync(() => policies.ReadWithIdentityAsync("dave-subject", CancellationToken.None));
        var machine = await CountedAsync(() => policies.ReadAsync(CancellationToken.None));
        Assert.True(await authServer.GetRequiredService<IJenkinsIdentityStore>().RemoveAsync("carol-subject", CancellationToken.None));
        var unlinked = await CountedAsync(() => policies.ReadWithIdentityAsync("carol-subject", CancellationToken.None));

        Assert.Equal(OneBatchGet, linked.Calls);
        Assert.Equal("carol", linked.Result.Identity?.JenkinsUser);
        Assert.Equal(1, linked.Result.Policy.Version);
        Assert.Equal(OneBatchGet, notLinked.Calls);
        Assert.Null(notLinked.Result.Identity);
        Assert.Equal(1, notLinked.Result.Policy.Version);
        Assert.Equal(OneGet, machine.Calls);
        Assert.Equal(OneBatchGet, unlinked.Calls);
        Assert.Null(unlinked.Result.Identity);
        Assert.False(await authServer.GetRequiredService<IJenkinsIdentityStore>().RemoveAsync("carol-subject", CancellationToken.None));
    }

    // ---- helpers ----

    private async Task<LinkedJenkinsIdentity> LinkAsync(IServiceProvider authServer, string subject, string jenkinsUser)
    {
        var identity = new LinkedJenkinsIdentity(subject, jenkinsUser,
            authServer.GetRequiredService<JenkinsTokenProtector>().Protect(subject, jenkinsUser, _token), DateTimeOffset.UtcNow);
        await authServer.GetRequiredService<IJenkinsIdentityStore>().SaveAsync(identity, CancellationToken.None);
        return identity;
    }

    private async Task<(T Result, string[] Calls)> CountedAsync<T>(Func<Task<T>> read)
    {
        _calls.Clear();
        var result = await read();
        return (result, [.. _calls]);
    }

    /// <summary>A service's view of the linked identities, as the auth server (creates keys) or the MCP server (reads) registers it.</summary>
    private IServiceProvider Host(bool createKeys, string kek)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DynamoDb:TablePrefix"] = _prefix,
            [JenkinsIdentityOptions.KeyEncryptionKeySetting] = kek,
        });
        var client = DynamoDbLocalFixture.CreateClient(dynamoDb.ServiceUrl);
        client.BeforeRequestEvent += (_, e) =>
        {
            if (e is WebServiceRequestEventArgs request)
            {
                _calls.Enqueue(request.Request.GetType().Name.Replace("Request", "", StringComparison.Ordinal));
            }
        };
        builder.Services.AddSingleton<IAmazonDynamoDB>(client);
        builder.AddJenkinsIdentities(createKeys);
        var host = builder.Build();
        _hosts.Add(host);
        return host.Services;
    }

    private async Task<List<Dictionary<string, AttributeValue>>> ScanAsync(string table)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        await foreach (var page in dynamoDb.Client.Paginators.Scan(new ScanRequest { TableName = table, ConsistentRead = true }).Responses)
        {
            items.AddRange(page.Items ?? []);
        }

        return items;
    }
}
