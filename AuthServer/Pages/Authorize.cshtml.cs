using McpAspire.AuthServer.Authorization;
using McpAspire.AuthServer.Registration.Validation;
using McpAspire.AuthServer.Tokens;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Primitives;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Pages;

/// <summary>
/// The authorization endpoint's pass-through part. OpenIddict has validated the request (client, exact
/// redirect URI, PKCE S256, scopes, resource); this page signs the user in, asks for consent once per client
/// and set of scopes, and hands the grant back to OpenIddict, which redirects with <c>code</c>, <c>state</c>
/// and <c>iss</c>. Requests OpenIddict refused without a safe redirect URI are shown here as an error page.
/// Consent form fields: every authorization request parameter as a hidden field, the antiforgery token
/// <c>__RequestVerificationToken</c>, and <c>decision</c> = <c>allow</c> or <c>deny</c>.
/// </summary>
public sealed class AuthorizeModel(
    IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations,
    IUserStore users,
    TokenIssuance issuance,
    IOptions<AuthServerOptions> settings,
    TimeProvider time) : PageModel
{
    /// <summary>The authorization property naming the redirect URI a remembered consent was given for.</summary>
    private const string ConsentRedirectUriProperty = "consent_redirect_uri";
    public const string Allow = "allow";
    public const string Deny = "deny";

    /// <summary>Set when the request could not be processed and must not be redirected.</summary>
    public string? ErrorCode { get; private set; }

    public string? ErrorDescription { get; private set; }

    public string ClientName { get; private set; } = "";

    public string RedirectHost { get; private set; } = "";

    public IReadOnlyList<string> Scopes { get; private set; } = [];

    /// <summary>How long an "Allow" is remembered, in days, as the consent page says.</summary>
    public int ConsentDays => Math.Max(1, (int)Math.Round(settings.Value.ConsentLifetime.TotalDays));

    /// <summary>
    /// The client gets a refresh token without having asked <c>offline_access</c> (it registered the
    /// <c>refresh_token</c> grant: see <see cref="Services.ServerEvents.IssueRefreshTokensToRegisteredClients"/>),
    /// so the consent page says it stays signed in.
    /// </summary>
    public bool StaysSignedInUnasked { get; private set; }

    /// <summary>The authorization request, carried through the consent form as hidden fields.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> RequestFields { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => HandleAsync(decision: null, cancellationToken);

    public Task<IActionResult> OnPostAsync([FromForm(Name = "decision")] string? decision, CancellationToken cancellationToken)
        => HandleAsync(decision, cancellationToken);

    private async Task<IActionResult> HandleAsync(string? decision, CancellationToken cancellationToken)
    {
        var refusal = HttpContext.GetOpenIddictServerResponse();
        if (!string.IsNullOrEmpty(refusal?.Error))
        {
            // OpenIddict refused the request and found no verified redirect URI to send the error to.
            ErrorCode = refusal.Error;
            ErrorDescription = refusal.ErrorDescription;
            Response.StatusCode = Response.StatusCode is >= 400 ? Response.StatusCode : StatusCodes.Status400BadRequest;
            return Page();
        }

        var request = HttpContext.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict authorization request is missing.");

        var session = await HttpContext.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        // The store, not the cookie, says who may be issued a grant: a user deleted or disabled since signing in
        // loses the session here, and the groups in the token are today's.
        var account = session.Succeeded
            ? await users.FindActiveAsync(session.Principal?.GetClaim(Claims.Subject), session.Principal?.GetClaim(Claims.Name), cancellationToken)
            : null;
        if (account is null)
        {
            if (session.Succeeded)
            {
                await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            }

            if (request.HasPromptValue(PromptValues.None))
            {
                return RefuseWithoutInteraction(request, Errors.LoginRequired, "The user is not signed in.");
            }

            // Back to this same request after signing in, as a GET even when it arrived as a form post.
            return Challenge(
                new AuthenticationProperties { RedirectUri = Request.PathBase + Request.Path + QueryString.Create(ParametersOf(request).Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))) },
                CookieAuthenticationDefaults.AuthenticationScheme);
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken)
            ?? throw new InvalidOperationException("OpenIddict validated a client that does not exist.");
        var applicationId = await applications.GetIdAsync(application, cancellationToken)
            ?? throw new InvalidOperationException("The client has no identifier.");
        var scopes = ScopeGrantPolicy.Grant(request.GetScopes());
        var user = SignedInUser.From(account);

        if (string.Equals(decision, Deny, StringComparison.Ordinal))
        {
            return Refuse(Errors.AccessDenied, "The user did not allow the access.");
        }

        if (string.Equals(decision, Allow, StringComparison.Ordinal))
        {
            await RememberConsentAsync(user, applicationId, scopes, request.RedirectUri!, cancellationToken);
            return SignIn(issuance.ForUser(user, scopes), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (!request.HasPromptValue(PromptValues.Consent) && await HasConsentedAsync(user, applicationId, scopes, request.RedirectUri!, cancellationToken))
        {
            return SignIn(issuance.ForUser(user, scopes), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.HasPromptValue(PromptValues.None))
        {
            return RefuseWithoutInteraction(request, Errors.ConsentRequired, "The user has not allowed this client yet.");
        }

        // A metadata-document client is whoever serves that URL, whatever name its document claims: the user is
        // shown the host that vouches for it. Registered clients show their (validated) client_name.
        ClientName = Uri.TryCreate(request.ClientId, UriKind.Absolute, out var documentUrl) && documentUrl.Scheme is "https" or "http"
            ? documentUrl.Host
            : await applications.GetLocalizedDisplayNameAsync(application, cancellationToken) ?? request.ClientId!;
        RedirectHost = Uri.TryCreate(request.RedirectUri, UriKind.Absolute, out var redirect) ? redirect.Authority : "";
        Scopes = scopes;
        StaysSignedInUnasked = settings.Value.RefreshTokensWithoutOfflineAccess
            && !scopes.Contains(OpenIddictConstants.Scopes.OfflineAccess, StringComparer.Ordinal)
            && await applications.HasPermissionAsync(application, Permissions.GrantTypes.RefreshToken, cancellationToken);
        RequestFields = [.. ParametersOf(request)];
        return Page();
    }

    /// <summary>
    /// Whether the user allowed this client these scopes, for this redirect URI, within the consent lifetime. A
    /// changed redirect URI (an RFC 7592 update, a refreshed metadata document) or an old answer asks again.
    /// </summary>
    private async Task<bool> HasConsentedAsync(SignedInUser user, string applicationId, IReadOnlyList<string> scopes, string redirectUri, CancellationToken cancellationToken)
    {
        var oldest = time.GetUtcNow() - settings.Value.ConsentLifetime;
        var boundTo = ConsentRedirectUri(redirectUri);
        await foreach (var authorization in authorizations.FindAsync(
            user.Subject, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, [.. scopes], cancellationToken))
        {
            var properties = await authorizations.GetPropertiesAsync(authorization, cancellationToken);
            if (await authorizations.GetCreationDateAsync(authorization, cancellationToken) >= oldest
                && properties.TryGetValue(ConsentRedirectUriProperty, out var bound)
                && bound.ValueKind == JsonValueKind.String
                && string.Equals(bound.GetString(), boundTo, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Consent is remembered as a permanent authorization bound to the redirect URI. Tokens are not attached to
    /// it: each sign-in gets its own ad-hoc authorization, so a replayed refresh token revokes that one grant,
    /// not the consent or the user's other sessions.
    /// </summary>
    private async Task RememberConsentAsync(SignedInUser user, string applicationId, IReadOnlyList<string> scopes, string redirectUri, CancellationToken cancellationToken)
    {
        if (await HasConsentedAsync(user, applicationId, scopes, redirectUri, cancellationToken))
        {
            return;
        }

        var descriptor = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = applicationId,
            CreationDate = time.GetUtcNow(),
            Principal = issuance.ForUser(user, scopes),
            Status = Statuses.Valid,
            Subject = user.Subject,
            Type = AuthorizationTypes.Permanent,
        };
        descriptor.Scopes.UnionWith(scopes);
        descriptor.Properties[ConsentRedirectUriProperty] = JsonSerializer.SerializeToElement(ConsentRedirectUri(redirectUri));
        await authorizations.CreateAsync(descriptor, cancellationToken);
    }

    /// <summary>A native client's loopback redirect URI picks a new port each run: its consent binds the URI without the port.</summary>
    private static string ConsentRedirectUri(string redirectUri)
        => Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) && RedirectUriRules.AnyPortVariant(uri) is { } anyPort
            ? anyPort.AbsoluteUri
            : redirectUri;

    /// <summary>
    /// A <c>prompt=none</c> refusal goes back to a loopback redirect URI only: anywhere else a redirect the user
    /// never saw would let anyone who registers an https URI use this server as an open redirector (RFC 9700
    /// §4.11.2). It is shown here instead.
    /// </summary>
    private IActionResult RefuseWithoutInteraction(OpenIddictRequest request, string error, string description)
    {
        if (Uri.TryCreate(request.RedirectUri, UriKind.Absolute, out var redirect) && RedirectUriRules.IsLoopbackHttp(redirect))
        {
            return Refuse(error, description);
        }

        ErrorCode = error;
        ErrorDescription = description;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private ForbidResult Refuse(string error, string description) => Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    // Every parameter of the request (a repeated one, such as resource, once per value); the consent
    // decision and the antiforgery token are form fields of ours, not part of the request.
    private static IEnumerable<KeyValuePair<string, string>> ParametersOf(OpenIddictRequest request)
    {
        foreach (var (name, value) in request.GetParameters())
        {
            if (name is "decision" or "__RequestVerificationToken")
            {
                continue;
            }

            foreach (var item in (StringValues)value)
            {
                if (item is not null)
                {
                    yield return new(name, item);
                }
            }
        }
    }
}
