using System.Collections.Immutable;
using OpenIddict.Abstractions;

namespace McpAspire.AuthServer.Tests.Persistence;

public sealed class ScopeStoreTests(DynamoDbLocalFixture dynamoDb) : PersistenceTestBase(dynamoDb, ClassPrefix), IClassFixture<DynamoDbLocalFixture>
{
    private static readonly string ClassPrefix = TablePrefix.New("scopes");

    private IOpenIddictScopeStore<DynamoDbScope> Store => Get<IOpenIddictScopeStore<DynamoDbScope>>();

    [Fact]
    public async Task A_scope_created_through_the_manager_is_found_by_id_name_names_and_resource()
    {
        var name = Unique("jenkins.read");
        var resource = $"http://127.0.0.1/{Unique("mcp")}";
        var manager = Get<IOpenIddictScopeManager>();
        var created = (DynamoDbScope)await manager.CreateAsync(new OpenIddictScopeDescriptor
        {
            Name = name,
            DisplayName = "Read Jenkins",
            Resources = { resource },
        });

        Assert.Equal(created.Id, (await Store.FindByIdAsync(created.Id, CancellationToken.None))?.Id);
        Assert.Equal(created.Id, (await Store.FindByNameAsync(name, CancellationToken.None))?.Id);
        Assert.Equal(created.Id, Assert.Single(await Store.FindByNamesAsync(ImmutableArray.Create(name, Unique("unknown")), CancellationToken.None).ToListAsync()).Id);
        Assert.Equal(created.Id, Assert.Single(await Store.FindByResourceAsync(resource, CancellationToken.None).ToListAsync()).Id);
        Assert.Equal([resource], await manager.ListResourcesAsync(ImmutableArray.Create(name)).ToListAsync());
    }

    [Fact]
    public async Task An_update_with_a_stale_concurrency_token_is_rejected()
    {
        var scope = new DynamoDbScope { Name = Unique("scope") };
        await Store.CreateAsync(scope, CancellationToken.None);
        var stale = await Store.FindByIdAsync(scope.Id, CancellationToken.None);

        scope.DisplayName = "First";
        await Store.UpdateAsync(scope, CancellationToken.None);
        stale!.DisplayName = "Second";

        await Assert.ThrowsAsync<OpenIddictExceptions.ConcurrencyException>(() => Store.UpdateAsync(stale, CancellationToken.None).AsTask());
        Assert.Equal("First", (await Store.FindByIdAsync(scope.Id, CancellationToken.None))?.DisplayName);
    }
}
