using McpAspire.AuthServer.Persistence.OpenIddict;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlerFilters;

namespace McpAspire.AuthServer.Tokens;

/// <summary>
/// Replaces OpenIddict's <c>ValidateAuthorizationEntry</c>, which reads a token's authorization on every
/// introspection and redemption to check it is still valid. A token that carries
/// <see cref="DynamoDbToken.RevokedBeforeAuthorization"/> needs no such read: it is in its authorization's live set, and
/// an authorization's status leaves valid only after every token of that set has been revoked (<c>TokenFamily</c>), so
/// OpenIddict's <c>ValidateTokenEntry</c>, which has just checked the token's own status, read strongly consistent,
/// answers for the authorization too. Any other token (written before the live sets, while its authorization's set was
/// full, or by the version that changed the status before revoking the set) is checked exactly as OpenIddict does: its
/// authorization is read.
/// </summary>
public sealed partial class ValidateAuthorizationThroughTokenEntry(
    IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations, ILogger<ValidateAuthorizationThroughTokenEntry> logger)
    : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .AddFilter<RequireDegradedModeDisabled>()
            .AddFilter<RequireAuthorizationStorageEnabled>()
            .AddFilter<RequireAuthorizationIdResolved>()
            .UseScopedHandler<ValidateAuthorizationThroughTokenEntry>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateAuthorizationEntry.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The entry ValidateTokenEntry just read (OpenIddict's per-request entity cache: no DynamoDB call). Only a valid
        // one is still in the live set: a refresh token or code already redeemed (which OpenIddict accepts again within
        // the reuse leeway) left the set when it was redeemed, so a later revocation does not reach it: read the
        // authorization for it.
        if (!string.IsNullOrEmpty(context.TokenId)
            && await tokens.FindByIdAsync(context.TokenId) is DynamoDbToken { RevokedBeforeAuthorization: true, Status: Statuses.Valid } token
            && string.Equals(token.AuthorizationId, context.AuthorizationId, StringComparison.Ordinal))
        {
            return;
        }

        var authorization = await authorizations.FindByIdAsync(context.AuthorizationId!);
        if (authorization is null || !await authorizations.HasStatusAsync(authorization, Statuses.Valid))
        {
            var authorizationId = context.AuthorizationId!;
            LogAuthorizationNoLongerValid(logger, authorizationId);
            var type = context.Principal?.GetTokenType();
            context.Reject(
                error: Errors.InvalidToken,
                description: type switch
                {
                    TokenTypeIdentifiers.Private.AuthorizationCode => "The authorization associated with the authorization code is no longer valid.",
                    TokenTypeIdentifiers.RefreshToken => "The authorization associated with the refresh token is no longer valid.",
                    _ => "The authorization associated with the token is no longer valid.",
                });
        }
    }

    [LoggerMessage(EventId = 2310, Level = LogLevel.Information,
        Message = "The token was rejected: its authorization {AuthorizationId} is no longer valid.")]
    private static partial void LogAuthorizationNoLongerValid(ILogger logger, string authorizationId);
}
