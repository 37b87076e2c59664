namespace McpAspire.JenkinsMock.Apis;

/// <summary>Who am I, the crumb issuer, and the login form that starts a web session.</summary>
public static class SecurityApi
{
    /// <summary>Marks the anonymous session the login page starts, so its cookie is sent.</summary>
    private const string AnonymousSessionKey = "jenkins.login";

    public static IEndpointRouteBuilder MapSecurityApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/whoAmI/api/json", (HttpContext http, JenkinsInstance instance)
            => JenkinsResults.Export(http, instance, _ => new WhoAmI(http.GetJenkinsIdentity())));
        app.MapGet("/crumbIssuer/api/json", IssueCrumb);
        app.MapGet("/login", LoginPageAsync);
        app.MapGet("/loginError", () => JenkinsResults.Page("Invalid username or password"));
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
        var crumb = crumbs.Issue(identity.Name, CrumbIssuer.SessionOf(http, identity));
        return JenkinsResults.Export(http, instance, _ => new IssuedCrumb(crumb));
    }

    /// <summary>
    /// The login page: like Jenkins, it starts an anonymous web session and carries a crumb for it,
    /// which the form must send back (the login POST is CSRF-protected too).
    /// </summary>
    private static async Task<IResult> LoginPageAsync(HttpContext http, CrumbIssuer crumbs, IOptionsMonitor<JenkinsOptions> options)
    {
        await http.Session.LoadAsync(http.RequestAborted);
        http.Session.SetString(AnonymousSessionKey, "login");
        var crumbField = options.CurrentValue.CsrfProtection
            ? $"<input type=\"hidden\" name=\"{CrumbIssuer.RequestField}\" value=\"{crumbs.Issue(http.GetJenkinsIdentity().Name, http.Session.Id)}\">"
            : "";
        return Results.Content(
            "<!DOCTYPE html><html><head><title>Sign in [Jenkins]</title></head><body>" +
            "<form method=\"post\" action=\"j_spring_security_check\">" + crumbField +
            "<input name=\"j_username\" autocomplete=\"username\"><input name=\"j_password\" type=\"password\" autocomplete=\"current-password\">" +
            "<button type=\"submit\">Sign in</button></form></body></html>",
            "text/html;charset=utf-8");
    }

    /// <summary>The login form's target: a good password starts a session (cookie) and goes home; a bad one goes to loginError.</summary>
    private static async Task<IResult> LoginAsync(HttpContext http, CredentialValidator credentials)
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;
        var user = form?["j_username"].ToString() ?? "";
        var password = form?["j_password"].ToString() ?? "";
        var root = JenkinsResults.RootUrl(http.Request);
        if (credentials.Authenticate(user, password) is not { } login)
        {
            return JenkinsResults.RedirectTo(root + "loginError", StatusCodes.Status302Found);
        }

        await http.Session.LoadAsync(http.RequestAborted);
        http.Session.SetString(JenkinsSecurityMiddleware.SessionUserKey, login.User);
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
