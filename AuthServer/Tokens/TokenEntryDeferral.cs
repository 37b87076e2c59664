using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlerFilters;

namespace McpAspire.AuthServer.Tokens;

/// <summary>
/// Which token entry, in this request, OpenIddict is about to create and then complete with its payload and
/// reference id (a reference token: access and refresh tokens, codes). The token manager creates that entry in
/// memory only, and the store writes it once, whole, when the payload is attached: one conditional transaction
/// instead of a put, a read and a second transaction (<c>DynamoDbTokenStore</c>). Scoped: one per request.
/// It relies on OpenIddict's per-request entity cache (on unless <c>DisableEntityCaching</c> is set) to hand
/// <c>AttachTokenPayload</c> the very entity that was created: with the cache off, that handler would not find it.
/// </summary>
public sealed class TokenEntryDeferral
{
    private ClaimsPrincipal? _principal;

    internal void Defer(ClaimsPrincipal principal) => _principal = principal;

    /// <summary>True, once, for the entry created from exactly the principal <see cref="DeferTokenEntryUntilPayload"/> saw.</summary>
    internal bool TakeFor(ClaimsPrincipal? principal)
    {
        if (principal is null || !ReferenceEquals(principal, _principal))
        {
            return false;
        }

        _principal = null;
        return true;
    }
}

/// <summary>
/// Runs just before OpenIddict's <c>CreateTokenEntry</c>, under the same conditions plus one: the payload is
/// persisted (OpenIddict's <c>AttachTokenPayload</c> then updates the entry, in the same request). Identity
/// tokens and any entry that is never completed are written at once, as before.
/// </summary>
public sealed class DeferTokenEntryUntilPayload(TokenEntryDeferral deferral) : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
            .AddFilter<RequireDegradedModeDisabled>()
            .AddFilter<RequireTokenStorageEnabled>()
            .AddFilter<RequireTokenEntryCreated>()
            .AddFilter<RequireTokenPayloadPersisted>()
            .UseScopedHandler<DeferTokenEntryUntilPayload>()
            .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Principal is { } principal)
        {
            deferral.Defer(principal);
        }

        return ValueTask.CompletedTask;
    }
}
