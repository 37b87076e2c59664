using System.Net.Http.Headers;

namespace McpAspire.JenkinsMock.Security;

/// <summary>
/// Jenkins' security filter chain, by hand because ASP.NET Core's authentication schemes answer
/// differently from Jenkins (401 for anonymous, where Jenkins says 403):
/// HTTP Basic with user + API token (crumb-exempt) or password (starts a web session);
/// wrong credentials 401 with <c>WWW-Authenticate: Basic realm="Jenkins"</c>; anonymous 403 except
/// on unprotected paths; a POST from a session login (or the anonymous login form) needs a crumb
/// bound to that session.
/// </summary>
public sealed class JenkinsSecurityMiddleware(RequestDelegate next, CredentialValidator credentials, CrumbIssuer crumbs, IOptionsMonitor<JenkinsOptions> options)
{
    internal const string SessionUserKey = "jenkins.user";

    /// <summary>Reachable without Overall/Read, like Jenkins' UnprotectedRootActions and login.</summary>
    private static readonly string[] UnprotectedPaths = ["/whoAmI", "/login", "/loginError", "/j_spring_security_check", "/health", "/alive"];

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/alive"))
        {
            await next(context);
            return;
        }

        var (identity, presentedUser) = await AuthenticateAsync(context);
        if (identity is null)
        {
            await RejectCredentialsAsync(context, presentedUser);
            return;
        }

        context.SetJenkinsIdentity(identity);
        if (identity.IsAnonymous && !Array.Exists(UnprotectedPaths, path => context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)))
        {
            await ForbidAnonymousAsync(context);
            return;
        }

        if (HttpMethods.IsPost(context.Request.Method) && identity.Kind != AuthenticationKind.ApiToken && options.CurrentValue.CsrfProtection
            && !await HasValidCrumbAsync(context, identity))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("No valid crumb was included in the request");
            return;
        }

        if (!identity.IsAnonymous && !identity.Permissions.Has(PermissionKind.OverallRead)
            && !Array.Exists(UnprotectedPaths, path => context.Request.Path.StartsWithSegments(path, StringComparison.OrdinalIgnoreCase)))
        {
            await ForbidAsync(context, new JenkinsAccessDeniedException(identity.Name, PermissionKind.OverallRead));
            return;
        }

        try
        {
            await next(context);
        }
        catch (JenkinsAccessDeniedException denied) when (!context.Response.HasStarted)
        {
            await ForbidAsync(context, denied);
        }
    }

    /// <summary>
    /// hudson.security.AccessDeniedHandlerImpl for an AccessDeniedException3: 403, who the user is, the permission
    /// required and what implies it, and "USER is missing the Job/Build permission".
    /// </summary>
    private static async Task ForbidAsync(HttpContext context, JenkinsAccessDeniedException denied)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.Headers["X-You-Are-Authenticated-As"] = denied.User;
        context.Response.Headers["X-Required-Permission"] = denied.Permission.Id;
        context.Response.Headers["X-Permission-Implied-By"] = "hudson.model.Hudson.Administer";
        context.Response.ContentType = "text/plain;charset=UTF-8";
        await context.Response.WriteAsync(denied.Message);
    }

    /// <summary>The identity, or null (with the user name presented) when the request presented wrong credentials.</summary>
    private async Task<(JenkinsIdentity? Identity, string PresentedUser)> AuthenticateAsync(HttpContext context)
    {
        if (AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header)
            && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryDecode(header.Parameter, out var user, out var secret))
            {
                return (null, "");
            }

            // The identity is the user id as Jenkins keeps it, whatever case the request spelled it in.
            switch (credentials.Authenticate(user, secret))
            {
                case (AuthenticationKind.ApiToken, var id):
                    return (new JenkinsIdentity(id, AuthenticationKind.ApiToken, credentials.PermissionsOf(id)), id);
                case (AuthenticationKind.Session, var id):
                    // A password login starts (or continues) a web session, as Jenkins' BasicHeaderProcessor does.
                    await context.Session.LoadAsync(context.RequestAborted);
                    context.Session.SetString(SessionUserKey, id);
                    return (new JenkinsIdentity(id, AuthenticationKind.Session, credentials.PermissionsOf(id)), id);
                default:
                    return (null, user);
            }
        }

        await context.Session.LoadAsync(context.RequestAborted);
        var identity = context.Session.GetString(SessionUserKey) is { } sessionUser
            ? new JenkinsIdentity(sessionUser, AuthenticationKind.Session, credentials.PermissionsOf(sessionUser))
            : JenkinsIdentity.Anonymous;
        return (identity, identity.Name);
    }

    private static bool TryDecode(string? parameter, out string user, out string secret)
    {
        user = secret = "";
        if (string.IsNullOrEmpty(parameter))
        {
            return false;
        }

        var buffer = new byte[parameter.Length];
        if (!Convert.TryFromBase64String(parameter, buffer, out var written))
        {
            return false;
        }

        var decoded = Encoding.UTF8.GetString(buffer, 0, written);
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        user = decoded[..colon];
        secret = decoded[(colon + 1)..];
        return true;
    }

    private async Task<bool> HasValidCrumbAsync(HttpContext context, JenkinsIdentity identity)
    {
        string? crumb = context.Request.Headers[CrumbIssuer.RequestField];
        if (string.IsNullOrEmpty(crumb) && context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            crumb = form[CrumbIssuer.RequestField];
        }

        return crumbs.IsValid(identity.Name, CrumbIssuer.SessionOf(context, identity), crumb);
    }

    private static async Task RejectCredentialsAsync(HttpContext context, string user)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"Jenkins\"";
        await context.Response.WriteAsync($"Invalid password/token for user: {user}");
    }

    private static async Task ForbidAnonymousAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.Headers["X-You-Are-Authenticated-As"] = "anonymous";
        context.Response.Headers["X-Required-Permission"] = "hudson.model.Hudson.Read";
        context.Response.Headers["X-Permission-Implied-By"] = new(["hudson.security.Permission.GenericRead", "hudson.model.Hudson.Administer"]);
        await context.Response.WriteAsync("Authentication required");
    }
}
