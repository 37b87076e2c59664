using System.Collections.Immutable;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Tests.Persistence;

public sealed class AuthorizationStoreTests(DynamoDbLocalFixture dynamoDb) : PersistenceTestBase(dynamoDb, ClassPrefix), IClassFixture<DynamoDbLocalFixture>
{
    private static readonly string ClassPrefix = TablePrefix.New("authorizations");

    private IOpenIddictAuthorizationStore<DynamoDbAuthorization> Store => Get<IOpenIddictAuthorizationStore<DynamoDbAuthorization>>();

    private IOpenIddictTokenStore<DynamoDbToken> Tokens => Get<IOpenIddictTokenStore<DynamoDbToken>>();

    private async Task<DynamoDbAuthorization> CreateAsync(string type, string? subject = null, string? applicationId = null, params string[] scopes)
    {
        var authorization = new DynamoDbAuthorization
        {
            ApplicationId = applicationId ?? Unique("app"),
            Subject = subject ?? Unique("subject"),
            Status = Statuses.Valid,
            Type = type,
            Scopes = [.. scopes],
            CreationDate = DateTimeOffset.UtcNow,
        };
        await Store.CreateAsync(authorization, CancellationToken.None);
        return authorization;
    }

    private async Task AddTokenAsync(string authorizationId, DateTimeOffset expires)
        => await Tokens.CreateAsync(new DynamoDbToken
        {
            AuthorizationId = authorizationId,
            Type = TokenTypeIdentifiers.RefreshToken,
            Status = Statuses.Valid,
            ExpirationDate = expires,
        }, CancellationToken.None);

    [Fact]
    public async Task A_created_authorization_is_found_by_id_subject_application_and_the_full_criteria()
    {
        var subject = Unique("subject");
        var applicationId = Unique("app");
        var authorization = await CreateAsync(AuthorizationTypes.Permanent, subject, applicationId, "openid", "mcp");

        Assert.Equal(authorization.Id, (await Store.FindByIdAsync(authorization.Id, CancellationToken.None))?.Id);
        Assert.Equal(authorization.Id, Assert.Single(await Store.FindBySubjectAsync(subject, CancellationToken.None).ToListAsync()).Id);
        Assert.Equal(authorization.Id, Assert.Single(await Store.FindByApplicationIdAsync(applicationId, CancellationToken.None).ToListAsync()).Id);
        Assert.Single(await Store.FindAsync(subject, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, ImmutableArray.Create("mcp"), CancellationToken.None).ToListAsync());
        Assert.Single(await Store.FindAsync(null, applicationId, null, null, null, CancellationToken.None).ToListAsync());
        Assert.Empty(await Store.FindAsync(subject, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, ImmutableArray.Create("admin"), CancellationToken.None).ToListAsync());
        Assert.Empty(await Store.FindAsync(subject, Unique("other-app"), null, null, null, CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task An_update_with_a_stale_concurrency_token_is_rejected()
    {
        var authorization = await CreateAsync(AuthorizationTypes.Permanent);
        var stale = await Store.FindByIdAsync(authorization.Id, CancellationToken.None);

        authorization.Scopes = ["openid", "offline_access"];
        await Store.UpdateAsync(authorization, CancellationToken.None);

        stale!.Status = Statuses.Revoked;
        await Assert.ThrowsAsync<OpenIddictExceptions.ConcurrencyException>(() => Store.UpdateAsync(stale, CancellationToken.None).AsTask());
        var stored = await Store.FindByIdAsync(authorization.Id, CancellationToken.None);
        Assert.Equal(Statuses.Valid, stored?.Status);
        Assert.Equal(["openid", "offline_access"], stored!.Scopes.ToArray());
    }

    [Fact]
    public async Task A_permanent_authorization_never_gets_a_TTL_even_when_tokens_are_added()
    {
        var authorization = await CreateAsync(AuthorizationTypes.Permanent);
        await AddTokenAsync(authorization.Id, DateTimeOffset.UtcNow.AddDays(14));

        Assert.Null(Ttl(await RawItemAsync(Tables.Authorizations, DynamoDbSchema.Id, authorization.Id)));
    }

    [Fact]
    public async Task An_ad_hoc_authorization_outlives_its_latest_token_and_an_update_does_not_shorten_that()
    {
        var authorization = await CreateAsync(AuthorizationTypes.AdHoc);
        var initial = Ttl(await RawItemAsync(Tables.Authorizations, DynamoDbSchema.Id, authorization.Id));
        Assert.InRange(initial!.Value,
            (DateTimeOffset.UtcNow + TtlPolicy.AdHocAuthorizationInitialLifetime).ToUnixTimeSeconds() - 60,
            (DateTimeOffset.UtcNow + TtlPolicy.AdHocAuthorizationInitialLifetime).ToUnixTimeSeconds() + 60);

        var refreshExpiry = DateTimeOffset.UtcNow.AddDays(14);
        await AddTokenAsync(authorization.Id, refreshExpiry);
        await AddTokenAsync(authorization.Id, DateTimeOffset.UtcNow.AddMinutes(5));

        var expected = TtlPolicy.ForAuthorizationOf(TtlPolicy.ForToken(TokenTypeIdentifiers.RefreshToken, refreshExpiry)!.Value);
        Assert.Equal(expected, Ttl(await RawItemAsync(Tables.Authorizations, DynamoDbSchema.Id, authorization.Id)));

        // The authorization entity read before the extension is updated: the TTL stays where the tokens put it.
        authorization.Scopes = ["openid"];
        await Store.UpdateAsync(authorization, CancellationToken.None);
        Assert.Equal(expected, Ttl(await RawItemAsync(Tables.Authorizations, DynamoDbSchema.Id, authorization.Id)));
    }

    [Fact]
    public async Task An_authorization_past_its_TTL_is_absent_from_every_read()
    {
        var subject = Unique("subject");
        var authorization = await CreateAsync(AuthorizationTypes.AdHoc, subject);
        await SetTtlAsync(Tables.Authorizations, DynamoDbSchema.Id, authorization.Id, DateTimeOffset.UtcNow.AddSeconds(-1));

        Assert.Null(await Store.FindByIdAsync(authorization.Id, CancellationToken.None));
        Assert.Empty(await Store.FindBySubjectAsync(subject, CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task Revoking_by_subject_revokes_only_that_subjects_authorizations()
    {
        var subject = Unique("subject");
        await CreateAsync(AuthorizationTypes.Permanent, subject);
        await CreateAsync(AuthorizationTypes.AdHoc, subject);
        var other = await CreateAsync(AuthorizationTypes.Permanent);

        Assert.Equal(2, await Store.RevokeBySubjectAsync(subject, CancellationToken.None));
        Assert.All(await Store.FindBySubjectAsync(subject, CancellationToken.None).ToListAsync(), found => Assert.Equal(Statuses.Revoked, found.Status));
        Assert.Equal(Statuses.Valid, (await Store.FindByIdAsync(other.Id, CancellationToken.None))?.Status);
    }

    [Fact]
    public async Task Deleting_an_authorization_deletes_its_tokens()
    {
        var authorization = await CreateAsync(AuthorizationTypes.AdHoc);
        await AddTokenAsync(authorization.Id, DateTimeOffset.UtcNow.AddHours(1));

        await Store.DeleteAsync(authorization, CancellationToken.None);

        Assert.Null(await Store.FindByIdAsync(authorization.Id, CancellationToken.None));
        Assert.Empty(await Tokens.FindByAuthorizationIdAsync(authorization.Id, CancellationToken.None).ToListAsync());
    }
}
