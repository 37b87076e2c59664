using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace McpAspire.AuthServer.Tokens;

/// <summary>
/// OpenIddict's token manager, except that revoking the tokens of an authorization (what OpenIddict does when a
/// redeemed refresh token or code is replayed) revokes the authorization itself first. The tokens are found
/// through a DynamoDB index that is updated eventually, so a token minted just before the replay could be
/// missed; the authorization is read strongly consistent on every refresh and introspection, so once it is
/// revoked the whole family is dead, whatever the index shows. Safe because every sign-in gets its own
/// authorization (the remembered consent is a separate one that carries no tokens): a replay ends that sign-in only.
/// </summary>
public sealed class FamilyRevokingTokenManager<TToken>(
    IOpenIddictTokenCache<TToken> cache,
    ILogger<OpenIddictTokenManager<TToken>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictTokenStore<TToken> store,
    IOpenIddictAuthorizationManager authorizations)
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
}

public static class FamilyRevocationExtensions
{
    /// <summary>A replayed refresh token or code revokes its authorization as well as its tokens (<see cref="FamilyRevokingTokenManager{TToken}"/>).</summary>
    public static OpenIddictCoreBuilder RevokeTokenFamiliesThroughTheirAuthorization(this OpenIddictCoreBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ReplaceTokenManager(typeof(FamilyRevokingTokenManager<>));
    }
}
