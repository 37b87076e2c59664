using McpAspire.AuthServer.Persistence.OpenIddict;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlerFilters;

namespace McpAspire.AuthServer.Tokens;

/// <summary>
/// Replaces OpenIddict's <c>ValidateAuthorizationEntry</c>, which reads a token's authorization on every
/// introspection and redemption to check it is still valid. A token written into its authorization's live set
/// (<see cref="DynamoDbToken.AuthorizationTracked"/>) needs no such read: revoking or deleting the authorization
/// revokes that token in the same step (<c>TokenFamily</c>), and OpenIddict's <c>ValidateTokenEntry</c> has just
/// checked the token's own status, read strongly consistent. Any other token (written before the live sets, or
/// while its authorization's set was full) is checked exactly as OpenIddict does: its authorization is read.
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

        // The entry ValidateTokenEntry just read (OpenIddict's per-request entity cache: no DynamoDB call).
        if (!string.IsNullOrEmpty(context.TokenId)
            && await tokens.FindByIdAsync(context.TokenId) is DynamoDbToken { AuthorizationTracked: true } token
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
