using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace McpAspire.AuthServer.Services.ServerEvents;

/// <summary>
/// Sends an authorization error back to the client when its redirect URI is verified, as RFC 6749
/// §4.1.2.1 asks (<c>invalid_scope</c>, <c>invalid_target</c>, a missing PKCE challenge...). OpenIddict
/// shows every request it refuses itself as a local error page; an MCP client waiting on its loopback
/// listener would then never learn why. Written by hand because OpenIddict has no option for it. An error
/// is redirected only when the client exists and the redirect URI is one registered for it (the same check
/// OpenIddict makes, loopback ports included); anything else stays on the error page.
/// </summary>
public sealed class RedirectErrorsToVerifiedClients(IOpenIddictApplicationManager applications)
    : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>()
            .UseScopedHandler<RedirectErrorsToVerifiedClients>()
            .SetOrder(OpenIddictServerHandlers.Authentication.AttachRedirectUri.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (request is null
            || string.IsNullOrEmpty(context.Response.Error)
            || !string.IsNullOrEmpty(context.RedirectUri)
            || string.IsNullOrEmpty(request.ClientId)
            || string.IsNullOrEmpty(request.RedirectUri)
            || !Uri.TryCreate(request.RedirectUri, UriKind.Absolute, out var redirectUri)
            || !string.IsNullOrEmpty(redirectUri.Fragment)
            || request.ResponseMode is not (null or ResponseModes.Query or ResponseModes.Fragment or ResponseModes.FormPost))
        {
            return;
        }

        var application = await applications.FindByClientIdAsync(request.ClientId, context.CancellationToken);
        if (application is null
            || !await applications.ValidateRedirectUriAsync(application, request.RedirectUri, context.CancellationToken))
        {
            return;
        }

        context.RedirectUri = request.RedirectUri;
    }
}
