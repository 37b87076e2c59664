using McpAspire.JenkinsMock.Export;
using McpAspire.JenkinsMock.Model;
using McpAspire.JenkinsMock.Security;
using McpAspire.JenkinsMock.Services;
using Microsoft.Extensions.Options;

namespace McpAspire.JenkinsMock.Apis;

/// <summary>Who am I, the crumb issuer, and the login form that starts a web session.</summary>
public static class SecurityApi
{
    public static IEndpointRouteBuilder MapSecurityApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/whoAmI/api/json", (HttpContext http, JenkinsInstance instance)
            => JenkinsResults.Export(http, instance, _ => new WhoAmI(http.GetJenkinsIdentity())));
        app.MapGet("/crumbIssuer/api/json", IssueCrumb);
        app.MapPost("/j_spring_security_check", LoginAsync);
        return app;
    }

    /// <summary>A crumb for this user and web session; 404 when CSRF protection is off.</summary>
    private static IResult IssueCrumb(HttpContext http, JenkinsInstance instance, CrumbIssuer crumbs, IOptionsMonitor<JenkinsOptions> options)
    {
        if (!options.CurrentValue.CsrfProtection)
        {
            return JenkinsResults.NotFound();
        }

        var identity = http.GetJenkinsIdentity();
        var sessionId = identity.Kind == AuthenticationKind.Session ? http.Session.Id : null;
        var crumb = crumbs.Issue(identity.Name, sessionId);
        return JenkinsResults.Export(http, instance, _ => new IssuedCrumb(crumb));
    }

    /// <summary>The login form's target: a good password starts a session (cookie) and goes home; a bad one goes to loginError.</summary>
    private static async Task<IResult> LoginAsync(HttpContext http, CredentialValidator credentials)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        var user = form?["j_username"].ToString() ?? "";
        var password = form?["j_password"].ToString() ?? "";
        var root = JenkinsResults.RootUrl(http.Request);
        if (credentials.Validate(user, password) is null)
        {
            return JenkinsResults.RedirectTo(root + "loginError", StatusCodes.Status302Found);
        }

        await http.Session.LoadAsync(http.RequestAborted);
        http.Session.SetString(JenkinsSecurityMiddleware.SessionUserKey, user);
        return JenkinsResults.RedirectTo(root, StatusCodes.Status302Found);
    }

    /// <summary>hudson.security.WhoAmI. As in Jenkins, anonymous is "authenticated" (Spring's anonymous token is).</summary>
    private sealed class WhoAmI(JenkinsIdentity identity) : IExportable
    {
        private static readonly string[] AnonymousAuthorities = ["anonymous"];
        private static readonly string[] UserAuthorities = ["authenticated"];

        public string JenkinsClass => "hudson.security.WhoAmI";

        public IEnumerable<Exported> Export(ExportContext context) =>
        [
            new("anonymous", identity.IsAnonymous),
            new("authenticated", true),
            new("authorities", identity.IsAnonymous ? AnonymousAuthorities : UserAuthorities),
            new("name", identity.Name),
        ];
    }

    /// <summary>hudson.security.csrf.DefaultCrumbIssuer's answer.</summary>
    private sealed class IssuedCrumb(string crumb) : IExportable
    {
        public string JenkinsClass => "hudson.security.csrf.DefaultCrumbIssuer";

        public IEnumerable<Exported> Export(ExportContext context) =>
        [
            new("crumb", crumb),
            new("crumbRequestField", CrumbIssuer.RequestField),
        ];
    }
}
