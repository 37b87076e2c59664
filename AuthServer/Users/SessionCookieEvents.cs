using Microsoft.AspNetCore.Authentication.Cookies;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Users;

/// <summary>
/// The session cookie's events. Every cookie is checked against the store, as ASP.NET Core Identity's security
/// stamp validator does: a user deleted, disabled or given a new password since signing in is signed out on their
/// next request, instead of keeping a session that can still approve clients until the cookie expires (one read
/// per page request). A signed-in user refused a page (an administration page) gets 403 there, not a redirect to
/// an access-denied page this server does not have.
/// </summary>
public sealed class SessionCookieEvents(IUserStore users) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var session = context.Principal;
        var user = session is null ? null : await users.FindActiveAsync(
            session.FindFirst(Claims.Subject)?.Value, session.FindFirst(Claims.Name)?.Value, context.HttpContext.RequestAborted);
        if (user is null || !UserSession.IsCurrent(session!, user))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("You are signed in, but this page is not open to you.");
    }
}
