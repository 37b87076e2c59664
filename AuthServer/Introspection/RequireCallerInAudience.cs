using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace McpAspire.AuthServer.Introspection;

/// <summary>
/// Introspection answers <c>{"active":false}</c> for an access token whose audiences do not include the
/// calling resource server. OpenIddict on its own also lets the token's presenter (the client that obtained
/// it) introspect it; RFC 7662 introspection is for resource servers here, so only an audience may.
/// </summary>
public sealed class RequireCallerInAudience : IOpenIddictServerHandler<ValidateIntrospectionRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateIntrospectionRequestContext>()
            .UseSingletonHandler<RequireCallerInAudience>()
            .SetOrder(OpenIddictServerHandlers.Introspection.ValidateAuthorizedParty.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ValidateIntrospectionRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var token = context.GenericTokenPrincipal;
        if (token is not null
            && token.HasTokenType(TokenTypeIdentifiers.AccessToken)
            && (string.IsNullOrEmpty(context.ClientId) || !token.HasAudience(context.ClientId)))
        {
            // Normalised by OpenIddict into {"active":false}, as RFC 7662 asks for tokens the caller may not see.
            context.Reject(Errors.InvalidToken, "The token was not issued for the caller.");
        }

        return ValueTask.CompletedTask;
    }
}
