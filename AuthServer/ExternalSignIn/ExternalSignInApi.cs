using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Client;
using OpenIddict.Client.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.ExternalSignIn;

/// <summary>
/// The callback an upstream provider redirects the browser to. OpenIddict's client has already done the protocol
/// work before this runs (pass-through): the state token found, unexpired, unused (it is redeemed now) and bound to
/// this browser's correlation cookie; the <c>iss</c> of the response checked; the code redeemed with its PKCE
/// verifier; the identity token's signature, issuer, audience and nonce checked. Anything wrong there is answered
/// by OpenIddict with 400 and never reaches this handler. Here: the user is found or created by (issuer, subject),
/// refused when disabled, and signed into the session cookie exactly as a password sign-in does. The upstream
/// tokens stay in this request: they are neither stored nor put in the cookie.
/// </summary>
public static class ExternalSignInApi
{
    /// <summary>Error codes the sign-in page turns into fixed messages (never text from the request).</summary>
    public const string DisabledError = "account_disabled";

    public const string FailedError = "external_failed";

    public static WebApplication MapExternalSignIn(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<ExternalSignInOptions>>().Value.ExternalProviders.Count == 0)
        {
            return app;
        }

        // GET for the query response mode the code flow uses; POST should a provider be set to form_post.
        app.MapMethods(ExternalSignInOptions.CallbackPath("{provider}"), [HttpMethods.Get, HttpMethods.Post], HandleCallbackAsync)
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return app;
    }

    public sealed record CallbackServices(
        IOptions<ExternalSignInOptions> Settings,
        OpenIddictClientService Client,
        IExternalUserStore Users,
        ILoggerFactory LoggerFactory);

    private static async Task<Results<RedirectHttpResult, BadRequest<string>>> HandleCallbackAsync(
        HttpContext context, string provider, [AsParameters] CallbackServices services)
    {
        var logger = services.LoggerFactory.CreateLogger(typeof(ExternalSignInApi));
        var result = await context.AuthenticateAsync(OpenIddictClientAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { Identity.IsAuthenticated: true } upstream)
        {
            ExternalSignInLog.Refused(logger, LogText.Safe(provider), "no authenticated upstream identity");
            return TypedResults.BadRequest("The sign-in could not be completed. Start again from the sign-in page.");
        }

        // The registration that handled the response (from the validated state token), not the path's name alone.
        var registrationId = upstream.GetClaim(Claims.Private.RegistrationId);
        var settings = services.Settings.Value.Find(registrationId);
        if (settings is null || !string.Equals(registrationId, provider, StringComparison.OrdinalIgnoreCase))
        {
            ExternalSignInLog.Refused(logger, LogText.Safe(provider), "the response belongs to another provider");
            return TypedResults.BadRequest("The sign-in could not be completed. Start again from the sign-in page.");
        }

        var returnUrl = LocalOnly(result.Properties?.RedirectUri);
        var registration = await services.Client.GetClientRegistrationByIdAsync(registrationId!, context.RequestAborted);
        var issuer = registration.Issuer?.AbsoluteUri;
        if (issuer is null || UpstreamIdentity.From(upstream, issuer, settings.GroupsClaim) is not { } login)
        {
            ExternalSignInLog.Refused(logger, registrationId!, "the provider named no subject");
            return TypedResults.Redirect(LoginPage(FailedError, returnUrl));
        }

        var user = await services.Users.SignInAsync(login, context.RequestAborted);
        if (user.IsDisabled)
        {
            ExternalSignInLog.DisabledUserRefused(logger, LogText.Safe(user.UserName), registrationId!);
            return TypedResults.Redirect(LoginPage(DisabledError, returnUrl));
        }

        // The same session a password sign-in makes (Pages/Account/Login): subject, name and session stamp, nothing upstream.
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, UserSession.For(user));
        var shownName = LogText.Safe(user.UserName);
        ExternalSignInLog.SignedIn(logger, shownName, registrationId!, issuer, user.Groups.Count);

        return TypedResults.Redirect(returnUrl);
    }

    /// <summary>Only ever back into this site: the return URL came through the upstream round trip.</summary>
    internal static string LocalOnly(string? url)
        => !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains('\\', StringComparison.Ordinal)
            ? url
            : "/";

    private static string LoginPage(string error, string returnUrl)
        => QueryHelpers.AddQueryString(EndpointPaths.Login, new Dictionary<string, string?> { ["error"] = error, ["returnUrl"] = returnUrl });
}
