using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using McpAspire.AuthServer.Persistence.OpenIddict;
using OpenIddict.Core;

namespace McpAspire.AuthServer.Tokens;

/// <summary>
/// OpenIddict's token manager, with three changes for the DynamoDB stores:
/// <list type="bullet">
/// <item>Revoking the tokens of an authorization (what OpenIddict does when a redeemed refresh token or code is
/// replayed) revokes the authorization itself first, which revokes every token in its live set at once
/// (<c>TokenFamily</c>); the index query that follows finds the others. Safe because every sign-in gets its own
/// authorization (the remembered consent is a separate one that carries no tokens): a replay ends that sign-in only.</item>
/// <item>A token entry OpenIddict will complete with its payload in the same request (<see cref="TokenEntryDeferral"/>)
/// is created in memory only: the store writes it whole when the payload is attached.</item>
/// <item>Validation does not read the store to check that a new reference identifier is unused: the store's write is
/// conditional on it (a 256-bit random identifier, hashed), so DynamoDB itself refuses a duplicate.</item>
/// </list>
/// </summary>
public sealed class FamilyRevokingTokenManager<TToken>(
    IOpenIddictTokenCache<TToken> cache,
    ILogger<OpenIddictTokenManager<TToken>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<TToken> store,
    IOpenIddictAuthorizationManager authorizations,
    TokenEntryDeferral deferral)
    : OpenIddictTokenManager<TToken>(cache, logger, options, store)
    where TToken : class
{
    public override async ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        if (await authorizations.FindByIdAsync(identifier, cancellationToken) is { } authorization)
        {
            await authorizations.TryRevokeAsync(authorization, cancellationToken);
        }

        return await base.RevokeByAuthorizationIdAsync(identifier, cancellationToken);
    }

    public override ValueTask<TToken> CreateAsync(OpenIddictTokenDescriptor descriptor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (deferral.TakeFor(descriptor.Principal))
        {
            return CreateDeferredAsync(descriptor, cancellationToken);
        }

        return base.CreateAsync(descriptor, cancellationToken);
    }

    public override IAsyncEnumerable<ValidationResult> ValidateAsync(TToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return ValidateWithoutReferenceLookupAsync(token, cancellationToken);
    }

    private async ValueTask<TToken> CreateDeferredAsync(OpenIddictTokenDescriptor descriptor, CancellationToken cancellationToken)
    {
        var token = await Store.InstantiateAsync(cancellationToken);
        if (token is DynamoDbToken entry)
        {
            entry.WriteDeferred = true;
        }

        await PopulateAsync(token, descriptor, cancellationToken);
        await CreateAsync(token, cancellationToken);
        return token;
    }

    /// <summary>OpenIddict's checks (a type and a status), without its read of the store for the reference id.</summary>
    private async IAsyncEnumerable<ValidationResult> ValidateWithoutReferenceLookupAsync(
        TToken token, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(await Store.GetTypeAsync(token, cancellationToken)))
        {
            yield return new ValidationResult("The token type cannot be null or empty.");
        }

        if (string.IsNullOrEmpty(await Store.GetStatusAsync(token, cancellationToken)))
        {
            yield return new ValidationResult("The status cannot be null or empty.");
        }
    }
}

public static class FamilyRevocationExtensions
{
    /// <summary>
    /// A replayed refresh token or code revokes its authorization as well as its tokens, and token entries are written
    /// once, whole (<see cref="FamilyRevokingTokenManager{TToken}"/>).
    /// </summary>
    public static OpenIddictCoreBuilder RevokeTokenFamiliesThroughTheirAuthorization(this OpenIddictCoreBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddScoped<TokenEntryDeferral>();
        return builder.ReplaceTokenManager(typeof(FamilyRevokingTokenManager<>));
    }

    /// <summary>
    /// The token paths at one DynamoDB call each where OpenIddict's own handlers make several: a token's authorization is
    /// not read when the token's own item answers for it (<see cref="ValidateAuthorizationThroughTokenEntry"/>, which
    /// replaces OpenIddict's <c>ValidateAuthorizationEntry</c>), and a reference token's entry is written once, with its
    /// payload, in one conditional transaction (<see cref="DeferTokenEntryUntilPayload"/>). Needs
    /// <see cref="RevokeTokenFamiliesThroughTheirAuthorization"/> on the core builder and the DynamoDB stores, whose
    /// revocation of an authorization revokes its live set before its status changes (<c>TokenFamily</c>).
    /// </summary>
    public static OpenIddictServerBuilder CheckAndWriteTokensInOneCall(this OpenIddictServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddScoped<TokenEntryDeferral>();
        return builder
            .RemoveEventHandler(OpenIddictServerHandlers.Protection.ValidateAuthorizationEntry.Descriptor)
            .AddEventHandler(ValidateAuthorizationThroughTokenEntry.Descriptor)
            .AddEventHandler(DeferTokenEntryUntilPayload.Descriptor);
    }
}
