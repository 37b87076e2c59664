using McpAspire.AuthServer.ExternalSignIn;
using McpAspire.AuthServer.Persistence;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenIddict.Client.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Pages.Account;

/// <summary>
/// The sign-in form. The body is bounded (<see cref="MaxBodyBytes"/>) and a user name over
/// <see cref="MaxUserNameLength"/> characters is refused before any lookup, never echoed and never logged. Form fields (documented in docs/auth-server.md, scripts post them): <c>username</c>,
/// <c>password</c>, <c>returnUrl</c> and the antiforgery token <c>__RequestVerificationToken</c>.
/// </summary>
[RequestSizeLimit(MaxBodyBytes)]
public sealed partial class LoginModel(
    IUserStore users, LoginThrottle throttle, IOptions<ExternalSignInOptions> signIn, ILogger<LoginModel> logger) : PageModel
{
    public const int MaxUserNameLength = 256;

    public const int MaxPasswordLength = 1024;

    /// <summary>Room for the fields above, the return URL of an authorization request and the antiforgery token.</summary>
    public const int MaxBodyBytes = 32 * 1024;

    [BindProperty(SupportsGet = true, Name = "returnUrl")]
    public string? ReturnUrl { get; set; }

    [BindProperty(Name = "username")]
    public string UserName { get; set; } = "";

    [BindProperty(Name = "password")]
    public string Password { get; set; } = "";

    public string? Error { get; private set; }

    /// <summary>False: only the upstream providers are offered, and a posted password is refused.</summary>
    public bool LocalAccountsEnabled => signIn.Value.LocalAccounts.Enabled;

    /// <summary>The upstream identity providers, each a button posting to <see cref="OnPostExternal"/>.</summary>
    public IReadOnlyList<(string Name, string DisplayName)> ExternalProviders =>
        [.. signIn.Value.OrderedProviders().Select(entry => (entry.Name, entry.Provider.EffectiveDisplayName(entry.Name)))];

    public void OnGet([FromQuery(Name = "error")] string? error)
    {
        // Fixed messages chosen by code: nothing from the query is written into the page.
        Error = error switch
        {
            ExternalSignInApi.DisabledError => "Your account is disabled. Ask an administrator.",
            ExternalSignInApi.FailedError => "The sign-in with your company account could not be completed. Try again.",
            _ => null,
        };
    }

    /// <summary>
    /// Starts a sign-in at the upstream provider named <paramref name="provider"/> (a form with the antiforgery token,
    /// like the password form). The return URL travels inside OpenIddict's protected state and is checked again
    /// when it comes back: local URLs only.
    /// </summary>
    public IActionResult OnPostExternal([FromForm(Name = "provider")] string? provider)
    {
        if (signIn.Value.Find(provider) is null)
        {
            return NotFound();
        }

        var properties = new AuthenticationProperties { RedirectUri = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/" };
        properties.Items[OpenIddictClientAspNetCoreConstants.Properties.RegistrationId] = provider!.ToLowerInvariant();
        return Challenge(properties, OpenIddictClientAspNetCoreDefaults.AuthenticationScheme);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!LocalAccountsEnabled)
        {
            UserName = "";
            return Refuse(StatusCodes.Status403Forbidden, "Sign-in with a password is turned off here. Use your company account.");
        }

        var address = HttpContext.Connection.RemoteIpAddress;
        if (string.IsNullOrWhiteSpace(UserName) || string.IsNullOrEmpty(Password))
        {
            return Refuse(StatusCodes.Status400BadRequest, "Enter your user name and password.");
        }

        if (UserName.Length > MaxUserNameLength || Password.Length > MaxPasswordLength)
        {
            // Nobody has such a name: refused before any lookup or count, and not written back into the page.
            UserName = "";
            return Refuse(StatusCodes.Status400BadRequest, $"User names are at most {MaxUserNameLength} characters and passwords at most {MaxPasswordLength}.");
        }

        if (await throttle.RetryAfterAsync(UserName, address, cancellationToken) is TimeSpan wait)
        {
            RetryAfter.Set(Response, wait);
            return Refuse(StatusCodes.Status429TooManyRequests,
                $"Too many failed sign-ins. Try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minute(s).");
        }

        var user = await users.ValidateCredentialsAsync(UserName, Password, cancellationToken);
        if (user is null)
        {
            // Not cancellable: a guesser who hangs up once the verification ran must still be counted.
            await throttle.RecordFailureAsync(UserName, address, CancellationToken.None);
            LogFailedSignIn(logger, LogText.Safe(UserName), ClientAddress.Partition(address));
            // One message for an unknown user and a wrong password: the form must not reveal which names exist.
            return Refuse(StatusCodes.Status400BadRequest, "The user name or password is not correct.");
        }

        await throttle.RecordSuccessAsync(UserName, address, cancellationToken);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, UserSession.For(user));

        // Only ever back into this site: an open redirect here would hand the session to anyone.
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    [LoggerMessage(LogLevel.Warning, "Failed sign-in for {UserName} from {Address}.")]
    private static partial void LogFailedSignIn(ILogger logger, string userName, string address);

    private PageResult Refuse(int status, string message)
    {
        Error = message;
        Password = "";
        Response.StatusCode = status;
        return Page();
    }
}
