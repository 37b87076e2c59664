using System.Net;
using McpAspire.AuthServer.Tests.Infrastructure;

namespace McpAspire.Tests.Common;

/// <summary>A local account created for one test: a unique name, a random password, its groups, its subject (the tokens' <c>sub</c>).</summary>
public sealed record TestUser(string UserName, string Password, IReadOnlyList<string> Groups, string Subject);

/// <summary>
/// Local accounts managed the way an administrator does it: signed in on the auth server's users page, posting its
/// forms. Every test creates its own users, so tests sharing one app never share an account.
/// </summary>
public static class LocalUsers
{
    public const string Page = "/admin/users";

    /// <summary>Creates a user named <paramref name="prefix"/> plus a unique suffix, in <paramref name="groups"/>.</summary>
    public static async Task<TestUser> CreateUserAsync(this DistributedApplicationFixture app, string prefix, params string[] groups)
    {
        ArgumentNullException.ThrowIfNull(app);
        var userName = $"{prefix}-{Guid.NewGuid():N}";
        var password = DistributedApplicationTestFactory.RandomSecret();
        using var created = await app.AdministerUsersAsync("create",
            ("username", userName), ("password", password), ("groups", string.Join(' ', groups)));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        return new TestUser(userName, password, groups, HtmlForm.ElementText(await created.Content.ReadAsStringAsync(), "created-subject"));
    }

    /// <summary>Posts the users page's form <paramref name="handler"/> (create, groups, disable, enable, password) as the administrator.</summary>
    public static async Task<HttpResponseMessage> AdministerUsersAsync(this DistributedApplicationFixture app, string handler, params (string Name, string Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var browser = app.CreateHttpClient(DistributedApplicationFixture.AuthServer, keepCookies: true);
        var page = await app.SignInAsAdministratorAsync(browser, Page);
        var form = fields.Select(field => new KeyValuePair<string, string>(field.Name, field.Value)).ToList();
        // The page has a form per user and action, each with the same antiforgery token.
        form.Add(new("__RequestVerificationToken", HtmlForm.AntiforgeryToken(page)));
        return await browser.PostAsync($"{Page}?handler={handler}", new FormUrlEncodedContent(form));
    }

    /// <summary>Follows a protected page's redirect to the sign-in form, signs in as the administrator and returns the page.</summary>
    public static Task<string> SignInAsAdministratorAsync(this DistributedApplicationFixture app, HttpClient browser, string path)
    {
        ArgumentNullException.ThrowIfNull(app);
        return SignInAsync(browser, path, DistributedApplicationFixture.AdminUserName, app.AdminPassword);
    }

    /// <summary>Follows a protected page's redirect to the sign-in form, signs in and returns the page.</summary>
    public static async Task<string> SignInAsync(HttpClient browser, string path, string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(browser);
        using var first = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        using var signedIn = await SignInAtAsync(browser, first.Headers.Location!, userName, password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return await browser.GetStringAsync(signedIn.Headers.Location);
    }

    /// <summary>
    /// Posts the sign-in form at <paramref name="login"/> (where a protected page redirected to). With identity providers
    /// configured the page has a form per provider besides the password form: this posts the password form's own fields
    /// (its return URL and antiforgery token).
    /// </summary>
    public static async Task<HttpResponseMessage> SignInAtAsync(HttpClient browser, Uri login, string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var fields = HtmlForm.FormFields(await browser.GetStringAsync(login), "login-form");
        fields["username"] = userName;
        fields["password"] = password;
        return await browser.PostAsync(login, new FormUrlEncodedContent(fields));
    }
}
