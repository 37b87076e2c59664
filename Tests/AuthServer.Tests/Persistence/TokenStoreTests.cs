using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Tests.Persistence;

public sealed class TokenStoreTests(DynamoDbLocalFixture dynamoDb) : PersistenceTestBase(dynamoDb, ClassPrefix), IClassFixture<DynamoDbLocalFixture>
{
    private static readonly string ClassPrefix = TablePrefix.New("tokens");

    private IOpenIddictTokenStore<DynamoDbToken> Store => Get<IOpenIddictTokenStore<DynamoDbToken>>();

    private async Task<DynamoDbToken> CreateTokenAsync(
        string? authorizationId = null, string? subject = null, string? applicationId = null,
        string type = TokenTypeIdentifiers.RefreshToken, string? referenceId = null,
        DateTimeOffset? expires = null, string status = Statuses.Valid)
    {
        var token = new DynamoDbToken
        {
            AuthorizationId = authorizationId,
            ApplicationId = applicationId ?? Unique("app"),
            Subject = subject ?? Unique("subject"),
            Type = type,
            Status = status,
            ReferenceId = referenceId,
            Payload = referenceId is null ? null : "eyJhbGciOiJSU0EtT0FFUCJ9.payload",
            CreationDate = DateTimeOffset.UtcNow,
            ExpirationDate = expires ?? DateTimeOffset.UtcNow.AddHours(1),
        };
        await Store.CreateAsync(token, CancellationToken.None);
        return token;
    }

    [Fact]
    public async Task A_created_token_is_found_by_id_reference_id_authorization_subject_and_application()
    {
        var authorizationId = Unique("authorization");
        var subject = Unique("subject");
        var applicationId = Unique("app");
        var referenceId = Unique("reference");
        var token = await CreateTokenAsync(authorizationId, subject, applicationId, referenceId: referenceId);

        Assert.Equal(token.Id, (await Store.FindByIdAsync(token.Id, CancellationToken.None))?.Id);
        var byReference = await Store.FindByReferenceIdAsync(referenceId, CancellationToken.None);
        Assert.NotNull(byReference);
        Assert.Equal(token.Id, byReference.Id);
        Assert.Equal(token.Payload, byReference.Payload);
        Assert.Equal(token.Id, Assert.Single(await Store.FindByAuthorizationIdAsync(authorizationId, CancellationToken.None).ToListAsync()).Id);
        Assert.Equal(token.Id, Assert.Single(await Store.FindBySubjectAsync(subject, CancellationToken.None).ToListAsync()).Id);
        Assert.Equal(token.Id, Assert.Single(await Store.FindByApplicationIdAsync(applicationId, CancellationToken.None).ToListAsync()).Id);
        Assert.Equal(token.Id, Assert.Single(await Store.FindAsync(subject, applicationId, Statuses.Valid, TokenTypeIdentifiers.RefreshToken, CancellationToken.None).ToListAsync()).Id);
        Assert.Empty(await Store.FindAsync(subject, applicationId, Statuses.Redeemed, null, CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task Lookups_of_unknown_tokens_find_nothing()
    {
        Assert.Null(await Store.FindByIdAsync(Unique("missing"), CancellationToken.None));
        Assert.Null(await Store.FindByReferenceIdAsync(Unique("missing"), CancellationToken.None));
        Assert.Empty(await Store.FindByAuthorizationIdAsync(Unique("missing"), CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task The_reference_id_set_by_an_update_is_found_and_the_replaced_one_is_not()
    {
        var token = await CreateTokenAsync();
        var first = Unique("reference");
        token.ReferenceId = first;
        token.Payload = "payload-1";
        await Store.UpdateAsync(token, CancellationToken.None);
        Assert.Equal("payload-1", (await Store.FindByReferenceIdAsync(first, CancellationToken.None))?.Payload);

        var second = Unique("reference");
        token.ReferenceId = second;
        await Store.UpdateAsync(token, CancellationToken.None);

        Assert.Null(await Store.FindByReferenceIdAsync(first, CancellationToken.None));
        Assert.Equal(token.Id, (await Store.FindByReferenceIdAsync(second, CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task An_update_with_a_stale_concurrency_token_is_rejected_so_only_one_redemption_wins()
    {
        var referenceId = Unique("reference");
        var token = await CreateTokenAsync(referenceId: referenceId);
        var replicaA = await Store.FindByReferenceIdAsync(referenceId, CancellationToken.None);
        var replicaB = await Store.FindByIdAsync(token.Id, CancellationToken.None);
        Assert.NotNull(replicaA);
        Assert.NotNull(replicaB);

        replicaA.Status = Statuses.Redeemed;
        replicaA.RedemptionDate = DateTimeOffset.UtcNow;
        await Store.UpdateAsync(replicaA, CancellationToken.None);

        replicaB.Status = Statuses.Redeemed;
        await Assert.ThrowsAsync<OpenIddictExceptions.ConcurrencyException>(() => Store.UpdateAsync(replicaB, CancellationToken.None).AsTask());

        // The reference copy, used by introspection, carries the winner's write.
        var copy = await Store.FindByReferenceIdAsync(referenceId, CancellationToken.None);
        Assert.Equal(Statuses.Redeemed, copy?.Status);
        Assert.Equal(replicaA.ConcurrencyToken, copy?.ConcurrencyToken);
    }

    [Fact]
    public async Task Two_concurrent_redemptions_through_the_manager_let_exactly_one_succeed()
    {
        var referenceId = Unique("reference");
        await CreateTokenAsync(referenceId: referenceId);
        var tokenStore = Store;
        var first = await tokenStore.FindByReferenceIdAsync(referenceId, CancellationToken.None);
        var second = await tokenStore.FindByReferenceIdAsync(referenceId, CancellationToken.None);

        // Two managers, as on two replicas (each with its own entity cache).
        using var otherReplica = DynamoDb.CreateHost(Prefix);
        var managerA = Get<IOpenIddictTokenManager>();
        using var otherScope = otherReplica.Services.CreateScope();
        var managerB = otherScope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();

        var results = await Task.WhenAll(
            managerA.TryRedeemAsync(first!, CancellationToken.None).AsTask(),
            managerB.TryRedeemAsync(second!, CancellationToken.None).AsTask());

        Assert.Equal(1, results.Count(redeemed => redeemed));
    }

    [Fact]
    public async Task Revoking_by_authorization_revokes_its_tokens_and_their_reference_copies_only()
    {
        var authorizationId = Unique("authorization");
        var references = new List<string>();
        for (var index = 0; index < 30; index++)
        {
            var referenceId = Unique("reference");
            references.Add(referenceId);
            await CreateTokenAsync(authorizationId, referenceId: referenceId);
        }

        var other = await CreateTokenAsync(Unique("authorization"), referenceId: Unique("reference"));

        var revoked = await Store.RevokeByAuthorizationIdAsync(authorizationId, CancellationToken.None);

        Assert.Equal(30, revoked);
        Assert.All(await Store.FindByAuthorizationIdAsync(authorizationId, CancellationToken.None).ToListAsync(),
            token => Assert.Equal(Statuses.Revoked, token.Status));
        foreach (var referenceId in references)
        {
            Assert.Equal(Statuses.Revoked, (await Store.FindByReferenceIdAsync(referenceId, CancellationToken.None))?.Status);
        }

        Assert.Equal(Statuses.Valid, (await Store.FindByIdAsync(other.Id, CancellationToken.None))?.Status);
    }

    [Fact]
    public async Task Codes_get_a_TTL_minutes_after_expiry_and_access_and_refresh_tokens_an_hour_after()
    {
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);
        var code = await CreateTokenAsync(type: TokenTypeIdentifiers.Private.AuthorizationCode, expires: expires);
        var access = await CreateTokenAsync(type: TokenTypeIdentifiers.AccessToken, expires: expires.AddHours(1), referenceId: Unique("reference"));
        var refresh = await CreateTokenAsync(type: TokenTypeIdentifiers.RefreshToken, expires: expires.AddDays(14));
        var neverExpires = new DynamoDbToken { Type = TokenTypeIdentifiers.RefreshToken, Status = Statuses.Valid };
        await Store.CreateAsync(neverExpires, CancellationToken.None);

        Assert.Equal((expires + TtlPolicy.CodeGrace).ToUnixTimeSeconds(), Ttl(await RawItemAsync(Tables.Tokens, DynamoDbSchema.Id, code.Id)));
        Assert.Equal((expires.AddHours(1) + TtlPolicy.TokenGrace).ToUnixTimeSeconds(), Ttl(await RawItemAsync(Tables.Tokens, DynamoDbSchema.Id, access.Id)));
        Assert.Equal((expires.AddHours(1) + TtlPolicy.TokenGrace).ToUnixTimeSeconds(),
            Ttl(await RawItemAsync(Tables.TokenReferences, DynamoDbSchema.ReferenceId, access.ReferenceId!)));
        Assert.Equal((expires.AddDays(14) + TtlPolicy.TokenGrace).ToUnixTimeSeconds(), Ttl(await RawItemAsync(Tables.Tokens, DynamoDbSchema.Id, refresh.Id)));
        Assert.Null(Ttl(await RawItemAsync(Tables.Tokens, DynamoDbSchema.Id, neverExpires.Id)));
    }

    [Fact]
    public async Task A_token_past_its_TTL_is_absent_from_every_read_even_before_DynamoDB_deletes_it()
    {
        var authorizationId = Unique("authorization");
        var subject = Unique("subject");
        var referenceId = Unique("reference");
        // Expired two hours ago: its TTL (expiry + one hour) has passed too.
        var token = await CreateTokenAsync(authorizationId, subject, referenceId: referenceId, type: TokenTypeIdentifiers.AccessToken,
            expires: DateTimeOffset.UtcNow.AddHours(-2));

        Assert.NotNull(await RawItemAsync(Tables.Tokens, DynamoDbSchema.Id, token.Id));
        Assert.Null(await Store.FindByIdAsync(token.Id, CancellationToken.None));
        Assert.Null(await Store.FindByReferenceIdAsync(referenceId, CancellationToken.None));
        Assert.Empty(await Store.FindByAuthorizationIdAsync(authorizationId, CancellationToken.None).ToListAsync());
        Assert.Empty(await Store.FindBySubjectAsync(subject, CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task A_redeemed_token_stays_readable_until_its_TTL_so_reuse_is_detected()
    {
        var referenceId = Unique("reference");
        var token = await CreateTokenAsync(referenceId: referenceId, type: TokenTypeIdentifiers.RefreshToken, expires: DateTimeOffset.UtcNow.AddDays(14));
        token.Status = Statuses.Redeemed;
        token.RedemptionDate = DateTimeOffset.UtcNow;
        await Store.UpdateAsync(token, CancellationToken.None);

        var replayed = await Store.FindByReferenceIdAsync(referenceId, CancellationToken.None);
        Assert.Equal(Statuses.Redeemed, replayed?.Status);
        Assert.Equal(token.AuthorizationId, replayed?.AuthorizationId);
    }

    [Fact]
    public async Task A_deleted_token_and_its_reference_copy_are_gone()
    {
        var referenceId = Unique("reference");
        var token = await CreateTokenAsync(referenceId: referenceId);
        await Store.DeleteAsync(token, CancellationToken.None);

        Assert.Null(await RawItemAsync(Tables.Tokens, DynamoDbSchema.Id, token.Id));
        Assert.Null(await RawItemAsync(Tables.TokenReferences, DynamoDbSchema.ReferenceId, referenceId));
    }

    [Fact]
    public async Task Queryable_overloads_refuse_with_a_clear_message()
    {
        var exception = await Assert.ThrowsAsync<NotSupportedException>(
            () => Store.CountAsync(tokens => tokens, CancellationToken.None).AsTask());
        Assert.Contains("IQueryable", exception.Message, StringComparison.Ordinal);
    }
}
