using McpAspire.AuthServer.Registration.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace McpAspire.AuthServer.Authorization;

/// <summary>
/// Sends an authorization error back to a native client waiting on its loopback listener, as RFC 6749
/// §4.1.2.1 asks (<c>invalid_scope</c>, <c>invalid_target</c>, a missing PKCE challenge...): OpenIddict shows
/// every request it refuses itself as a local error page, and the MCP client would never learn why. Only loopback
/// redirect URIs registered for the client get it. Anyone can register an https redirect URI, and sending errors
/// there without the user ever seeing our page would make this server an open redirector (RFC 9700 §4.11.2);
/// those errors stay on the error page. Written by hand because OpenIddict has no option for it.
/// </summary>
public sealed class RedirectErrorsToLoopbackClients(IOpenIddictApplicationManager applications)
    : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>()
            .UseScopedHandler<RedirectErrorsToLoopbackClients>()
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
            || !RedirectUriRules.IsLoopbackHttp(redirectUri)
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
