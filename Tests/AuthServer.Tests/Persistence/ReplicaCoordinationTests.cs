using McpAspire.AuthServer.Persistence.Coordination;
using McpAspire.AuthServer.Users;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Tests.Persistence;

/// <summary>
/// What replicas share through DynamoDB (issue 18), with two hosts of the persistence layer standing for two replicas
/// on the same tables: sign-in failure counts, registration quotas, start-up locks, table creation raced by both, and
/// which clients a replica may remember.
/// </summary>
public sealed class ReplicaCoordinationTests(DynamoDbLocalFixture dynamoDb, ITestOutputHelper output) : PersistenceTestBase(dynamoDb, ClassPrefix), IClassFixture<DynamoDbLocalFixture>
{
    private static readonly string ClassPrefix = TablePrefix.New("replicas");
    private static int s_lastAddress;

    // Each test signs in from addresses no other test uses: the class's tests share one table set and one clock
    // start, so one test's failures from a shared address counted against the next test's per-address limit,
    // whichever order the tests ran in.
    private readonly IPAddress _home = NewAddress();

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));

    private LoginThrottle Throttle(IHost replica) => new(Options.Create(new LoginThrottleOptions
    {
        FreeFailuresPerAccountAndAddress = 3,
        FirstDelay = TimeSpan.FromSeconds(2),
        MaxDelay = TimeSpan.FromMinutes(15),
        MaxFailuresPerAddress = 20,
        Window = TimeSpan.FromMinutes(15),
    }), _time, replica.Services.GetRequiredService<DynamoDbFailureCounts>());

    [Fact]
    public async Task Failures_counted_through_one_replica_impose_the_wait_on_the_other()
    {
        using var other = DynamoDb.CreateHost(Prefix);
        var (a, b) = (Throttle(Host), Throttle(other));
        var user = Unique("alice");

        await a.RecordFailureAsync(user, _home, CancellationToken.None);
        await b.RecordFailureAsync(user, _home, CancellationToken.None);
        await a.RecordFailureAsync(user, _home, CancellationToken.None);
        Assert.Null(await b.RetryAfterAsync(user, _home, CancellationToken.None));

        await b.RecordFailureAsync(user.ToUpperInvariant(), _home, CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(2), await a.RetryAfterAsync(user, _home, CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(2), await b.RetryAfterAsync(user, _home, CancellationToken.None));
        Assert.Null(await a.RetryAfterAsync(user, NewAddress(), CancellationToken.None));

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await b.RetryAfterAsync(user, _home, CancellationToken.None));
    }

    [Fact]
    public async Task Failures_arriving_at_both_replicas_at_once_are_all_counted()
    {
        using var other = DynamoDb.CreateHost(Prefix);
        var (a, b) = (Throttle(Host), Throttle(other));
        var address = NewAddress();

        // Twenty failures on twenty accounts, half through each replica, all at once: the address limit is reached.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? a : b).RecordFailureAsync(Unique("user"), address, CancellationToken.None)));

        Assert.Equal(TimeSpan.FromMinutes(15), await a.RetryAfterAsync(Unique("someone-else"), address, CancellationToken.None));
    }

    [Fact]
    public async Task A_count_is_forgotten_after_its_window_and_a_success_clears_the_pair()
    {
        var throttle = Throttle(Host);
        var user = Unique("bob");
        for (var i = 0; i < 4; i++)
        {
            await throttle.RecordFailureAsync(user, _home, CancellationToken.None);
        }

        Assert.NotNull(await throttle.RetryAfterAsync(user, _home, CancellationToken.None));
        _time.Advance(TimeSpan.FromMinutes(15));
        await throttle.RecordFailureAsync(user, _home, CancellationToken.None);
        Assert.Null(await throttle.RetryAfterAsync(user, _home, CancellationToken.None));

        for (var i = 0; i < 3; i++)
        {
            await throttle.RecordFailureAsync(user, _home, CancellationToken.None);
        }

        Assert.NotNull(await throttle.RetryAfterAsync(user, _home, CancellationToken.None));
        await throttle.RecordSuccessAsync(user, _home, CancellationToken.None);
        Assert.Null(await throttle.RetryAfterAsync(user, _home, CancellationToken.None));
    }

    [Fact]
    public async Task The_wait_doubles_up_to_its_ceiling_and_IPv6_addresses_count_per_64_bit_prefix()
    {
        var throttle = Throttle(Host);
        var user = Unique("carol");
        var address = IPAddress.Parse("2001:db8:1:2::1");
        for (var i = 0; i < 19; i++)
        {
            await throttle.RecordFailureAsync(user, address, CancellationToken.None);
        }

        Assert.Equal(TimeSpan.FromMinutes(15), await throttle.RetryAfterAsync(user, IPAddress.Parse("2001:db8:1:2:ffff::9"), CancellationToken.None));
        Assert.Null(await throttle.RetryAfterAsync(user, IPAddress.Parse("2001:db8:1:3::1"), CancellationToken.None));
    }

    [Fact]
    public async Task What_the_shared_counts_cost_a_sign_in_and_a_registration()
    {
        var calls = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var client = DynamoDbLocalFixture.CreateClient(DynamoDb.ServiceUrl);
        client.BeforeRequestEvent += (_, e) =>
        {
            if (e is Amazon.Runtime.WebServiceRequestEventArgs request)
            {
                calls.Enqueue(request.Request.GetType().Name.Replace("Request", "", StringComparison.Ordinal));
            }
        };
        using var replica = DynamoDb.CreateHost(Prefix, configure: services => services.AddSingleton<Amazon.DynamoDBv2.IAmazonDynamoDB>(client));
        var throttle = Throttle(replica);
        var quota = replica.Services.GetRequiredService<DynamoDbQuotaWindows>();
        const int Rounds = 20;

        async Task<(string[] Calls, double MeanMs)> MeasureAsync(Func<int, Task> step)
        {
            await step(-1);
            calls.Clear();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < Rounds; i++)
            {
                await step(i);
            }

            return ([.. calls.Take(calls.Count / Rounds)], watch.Elapsed.TotalMilliseconds / Rounds);
        }

        var failed = await MeasureAsync(async i =>
        {
            await throttle.RetryAfterAsync("cost-" + i, _home, CancellationToken.None);
            await throttle.RecordFailureAsync("cost-" + i, _home, CancellationToken.None);
        });
        var succeeded = await MeasureAsync(async i =>
        {
            await throttle.RetryAfterAsync("cost-" + i, _home, CancellationToken.None);
            await throttle.RecordSuccessAsync("cost-" + i, _home, CancellationToken.None);
        });
        var registration = await MeasureAsync(async i =>
        {
            var window = TimeSpan.FromDays(1);
            Assert.True(await quota.TryTakeAsync("cost-address", 1000, window, _time.GetUtcNow(), CancellationToken.None)
                && await quota.TryTakeAsync("cost-everyone", 1000, window, _time.GetUtcNow(), CancellationToken.None));
        });
        output.WriteLine($"failed sign-in: {string.Join(", ", failed.Calls)}, {failed.MeanMs:F1} ms; successful sign-in: {string.Join(", ", succeeded.Calls)}, {succeeded.MeanMs:F1} ms; registration permit: {string.Join(", ", registration.Calls)}, {registration.MeanMs:F1} ms (DynamoDB Local, mean of {Rounds})");

        Assert.Equal(["BatchGetItem", "UpdateItem", "UpdateItem"], failed.Calls);
        Assert.Equal(["BatchGetItem", "DeleteItem"], succeeded.Calls);
        Assert.Equal(["UpdateItem", "UpdateItem"], registration.Calls);
    }

    [Fact]
    public async Task A_quota_taken_from_both_replicas_at_once_never_hands_out_more_than_its_limit()
    {
        using var other = DynamoDb.CreateHost(Prefix);
        var quota = Unique("quota");
        var replicas = new[] { Get<DynamoDbQuotaWindows>(), other.Services.GetRequiredService<DynamoDbQuotaWindows>() };
        var now = _time.GetUtcNow();

        var taken = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => replicas[i % 2].TryTakeAsync(quota, 10, TimeSpan.FromHours(1), now, CancellationToken.None)));

        Assert.Equal(10, taken.Count(permit => permit));
        var nextWindow = DynamoDbQuotaWindows.WindowOf(now, TimeSpan.FromHours(1)).End;
        Assert.True(await replicas[1].TryTakeAsync(quota, 10, TimeSpan.FromHours(1), nextWindow, CancellationToken.None));
    }

    [Fact]
    public async Task A_start_up_step_runs_on_one_replica_at_a_time()
    {
        using var other = DynamoDb.CreateHost(Prefix);
        var locks = new[] { Get<DynamoDbStartupLock>(), other.Services.GetRequiredService<DynamoDbStartupLock>() };
        var name = Unique("seed");
        var inside = 0;
        var overlaps = 0;

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => locks[i % 2].RunExclusivelyAsync(name, async cancellationToken =>
        {
            if (Interlocked.Increment(ref inside) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            await Task.Yield();
            await DynamoDb.Client.ListTablesAsync(cancellationToken);
            Interlocked.Decrement(ref inside);
        }, CancellationToken.None)));

        Assert.Equal(0, overlaps);
    }

    [Fact]
    public async Task Two_replicas_creating_the_tables_at_once_both_succeed_with_TTL_on()
    {
        var names = new DynamoDbTableNames(TablePrefix.New("race"));

        await Task.WhenAll(
            DynamoDbTableProvisioner.EnsureTablesAsync(DynamoDb.Client, names, NullLogger.Instance, CancellationToken.None),
            DynamoDbTableProvisioner.EnsureTablesAsync(DynamoDb.Client, names, NullLogger.Instance, CancellationToken.None));

        foreach (var table in DynamoDbSchema.TtlTables(names))
        {
            var ttl = await DynamoDb.Client.DescribeTimeToLiveAsync(table);
            Assert.Equal("ENABLED", ttl.TimeToLiveDescription.TimeToLiveStatus.Value);
        }
    }

    [Fact]
    public async Task A_replica_never_remembers_a_machine_client_so_a_new_secret_holds_everywhere_at_once()
    {
        using var other = DynamoDb.CreateHost(Prefix, new Dictionary<string, string?> { ["DynamoDb:ApplicationCacheDuration"] = "00:10:00" });
        var managerA = Get<IOpenIddictApplicationManager>();
        // A scope per request on replica B, as ASP.NET Core gives each request (OpenIddict's entity cache is per scope).
        using var firstRequest = other.Services.CreateScope();
        var managerB = firstRequest.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var clientId = Unique("machine");
        await managerA.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = "first-secret-of-this-machine-client",
            ClientType = ClientTypes.Confidential,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        });
        Assert.True(await managerB.ValidateClientSecretAsync((await managerB.FindByClientIdAsync(clientId))!, "first-secret-of-this-machine-client"));

        // The secret rotated through replica A...
        var application = await managerA.FindByClientIdAsync(clientId);
        var descriptor = new OpenIddictApplicationDescriptor();
        await managerA.PopulateAsync(descriptor, application!);
        descriptor.ClientSecret = "second-secret-of-this-machine-client";
        await managerA.UpdateAsync(application!, descriptor);

        // ...is the only one replica B accepts, although it read the client a moment ago and keeps clients 10 minutes.
        using var nextRequest = other.Services.CreateScope();
        var nextManagerB = nextRequest.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var seenByB = await nextManagerB.FindByClientIdAsync(clientId);
        Assert.False(await nextManagerB.ValidateClientSecretAsync(seenByB!, "first-secret-of-this-machine-client"));
        Assert.True(await nextManagerB.ValidateClientSecretAsync(seenByB!, "second-secret-of-this-machine-client"));
    }

    [Fact]
    public async Task Used_public_clients_and_resource_servers_may_be_remembered_for_the_documented_time_unused_registrations_not()
    {
        var clientId = Unique("resource-server");
        await Get<IOpenIddictApplicationManager>().CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = "a-resource-server-secret-of-enough-length",
            ClientType = ClientTypes.Confidential,
            Permissions = { Permissions.Endpoints.Introspection },
        });
        var publicId = Unique("public");
        await Get<IOpenIddictApplicationManager>().CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = publicId,
            ClientType = ClientTypes.Public,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.AuthorizationCode },
        });

        var unusedId = Unique("unused");
        var unused = new OpenIddictApplicationDescriptor { ClientId = unusedId, ClientType = ClientTypes.Public };
        unused.Properties[TtlPolicy.UnusedRegistrationExpiresAt] = JsonSerializer.SerializeToElement(_time.GetUtcNow().AddDays(1).ToUnixTimeSeconds());
        await Get<IOpenIddictApplicationManager>().CreateAsync(unused);

        Assert.True(RecentApplications.MayKeep((await RawItemAsync(Tables.ApplicationLookups, clientId))!));
        Assert.True(RecentApplications.MayKeep((await RawItemAsync(Tables.ApplicationLookups, publicId))!));
        // A registration not used yet changes at its first token: kept, it would be updated from a stale copy.
        Assert.False(RecentApplications.MayKeep((await RawItemAsync(Tables.ApplicationLookups, unusedId))!));
    }

    private async Task<Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>?> RawItemAsync(string table, string clientId)
    {
        var response = await DynamoDb.Client.QueryAsync(new Amazon.DynamoDBv2.Model.QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "#l = :l",
            ExpressionAttributeNames = new() { ["#l"] = DynamoDbSchema.Lookup },
            ExpressionAttributeValues = new() { [":l"] = new Amazon.DynamoDBv2.Model.AttributeValue { S = "client_id|" + clientId } },
            ConsistentRead = true,
        });
        return response.Items.SingleOrDefault();
    }

    private static IPAddress NewAddress()
    {
        var n = Interlocked.Increment(ref s_lastAddress);
        return new IPAddress([10, 0, (byte)(n >> 8), (byte)n]);
    }
}
