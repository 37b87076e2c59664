using McpAspire.AccessPolicy;

namespace McpAspire.AuthServer.Tests.Persistence;

/// <summary>
/// The Jenkins access policy's store against the real DynamoDB Local: absent is the default, saves are versioned. The
/// policy is one item, so every test has tables of its own (the prefix is made per instance, that is per test).
/// </summary>
public sealed class AccessPolicyStoreTests(DynamoDbLocalFixture dynamoDb) : PersistenceTestBase(dynamoDb, TablePrefix.New("policy")), IClassFixture<DynamoDbLocalFixture>
{
    private static readonly JenkinsAction[] ReadBuild = [JenkinsAction.Read, JenkinsAction.Build];

    private static readonly AccessRule TeamA = new(Subject.Group("team-a"), ItemPattern.Parse("team-a/**"), ReadBuild);
    private static readonly AccessRule TeamB = new(Subject.Group("team-b"), ItemPattern.Parse("team-b/**"), ReadBuild);

    private IAccessPolicyStore Store => Get<IAccessPolicyStore>();

    [Fact]
    public async Task With_nothing_stored_the_default_applies_and_the_first_save_expects_version_0()
    {
        var prefix = TablePrefix.New("policy-fresh");
        await DynamoDb.ProvisionAsync(prefix);
        using var host = DynamoDb.CreateHost(prefix);
        var store = host.Services.GetRequiredService<IAccessPolicyStore>();

        var fresh = await store.ReadAsync(CancellationToken.None);
        var saved = await store.SaveAsync([TeamA], fresh.Version, "admin", CancellationToken.None);
        var read = await store.ReadAsync(CancellationToken.None);

        Assert.Same(AccessPolicyDocument.Default, fresh);
        Assert.Equal(1, saved.Version);
        Assert.Equal(saved, read);
        Assert.True(read.IsStored);
        Assert.Equal([TeamA], read.Rules);
    }

    [Fact]
    public async Task Of_two_administrators_saving_on_the_same_version_the_second_gets_a_conflict_and_the_first_change_stays()
    {
        var prefix = TablePrefix.New("policy-race");
        await DynamoDb.ProvisionAsync(prefix);
        using var first = DynamoDb.CreateHost(prefix);
        using var second = DynamoDb.CreateHost(prefix);
        var seen = await first.Services.GetRequiredService<IAccessPolicyStore>().SaveAsync([TeamA], 0, "alice", CancellationToken.None);

        await first.Services.GetRequiredService<IAccessPolicyStore>().SaveAsync([TeamA, TeamB], seen.Version, "alice", CancellationToken.None);
        var conflict = await Assert.ThrowsAsync<AccessPolicyConflictException>(() =>
            second.Services.GetRequiredService<IAccessPolicyStore>().SaveAsync([], seen.Version, "bob", CancellationToken.None));
        var recreate = await Assert.ThrowsAsync<AccessPolicyConflictException>(() =>
            second.Services.GetRequiredService<IAccessPolicyStore>().SaveAsync([], 0, "bob", CancellationToken.None));
        var now = await second.Services.GetRequiredService<IAccessPolicyStore>().ReadAsync(CancellationToken.None);

        Assert.Equal(seen.Version, conflict.ExpectedVersion);
        Assert.Equal(0, recreate.ExpectedVersion);
        Assert.Equal(2, now.Version);
        Assert.Equal([TeamA, TeamB], now.Rules);
    }

    [Fact]
    public async Task A_malformed_stored_policy_is_refused_with_its_version_never_read_as_allowing_anything()
    {
        await Store.SaveAsync([TeamA], 0, "admin", CancellationToken.None);
        await DynamoDb.Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Tables.AccessPolicy,
            Key = new() { [AccessPolicyTable.Id] = new AttributeValue { S = AccessPolicyTable.PolicyId } },
            UpdateExpression = "SET #rules = :rules",
            ExpressionAttributeNames = new() { ["#rules"] = AccessPolicyTable.Rules },
            ExpressionAttributeValues = new() { [":rules"] = new AttributeValue { S = """{"rules":[{"who":"*","items":"**","actions":["everything"]}]}""" } },
        });

        var error = await Assert.ThrowsAsync<AccessPolicyFormatException>(() => Store.ReadAsync(CancellationToken.None));

        Assert.Equal(1, error.StoredVersion);
        Assert.Contains("'everything' is not an action", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await Store.SaveAsync([TeamB], 1, "admin", CancellationToken.None)).Version);
    }

    [Fact]
    public async Task The_policy_is_one_item_in_its_own_table_named_like_the_others()
    {
        await Store.SaveAsync([TeamA], 0, "admin", CancellationToken.None);

        var item = await RawItemAsync(Tables.AccessPolicy, AccessPolicyTable.Id, AccessPolicyTable.PolicyId);
        var scan = await DynamoDb.Client.ScanAsync(new ScanRequest { TableName = Tables.AccessPolicy });

        Assert.Equal($"{Prefix}-jenkins-access-policy", Tables.AccessPolicy);
        Assert.Contains(Tables.AccessPolicy, Tables.All);
        Assert.NotNull(item);
        Assert.Equal("1", item[AccessPolicyTable.Version].N);
        Assert.Equal("admin", item[AccessPolicyTable.UpdatedBy].S);
        Assert.Equal(1, scan.Count);
    }
}
