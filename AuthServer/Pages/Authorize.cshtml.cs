using System.Collections.Immutable;
using McpAspire.AuthServer.Model;
using McpAspire.AuthServer.Services;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
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
    TokenIssuance issuance) : PageModel
{
    public const string Allow = "allow";
    public const string Deny = "deny";

    /// <summary>Set when the request could not be processed and must not be redirected.</summary>
    public string? ErrorCode { get; private set; }

    public string? ErrorDescription { get; private set; }

    public string ClientName { get; private set; } = "";

    public string RedirectHost { get; private set; } = "";

    public IReadOnlyList<string> Scopes { get; private set; } = [];

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
        var subject = session.Principal?.GetClaim(Claims.Subject);
        var userName = session.Principal?.GetClaim(Claims.Name);
        if (!session.Succeeded || subject is null || userName is null)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
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
        var user = new SignedInUser(subject, userName);

        if (string.Equals(decision, Deny, StringComparison.Ordinal))
        {
            return Refuse(Errors.AccessDenied, "The user did not allow the access.");
        }

        if (string.Equals(decision, Allow, StringComparison.Ordinal))
        {
            await RememberConsentAsync(user, applicationId, scopes, cancellationToken);
            return SignIn(issuance.ForUser(user, scopes), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (!request.HasPromptValue(PromptValues.Consent) && await HasConsentedAsync(user, applicationId, scopes, cancellationToken))
        {
            return SignIn(issuance.ForUser(user, scopes), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.HasPromptValue(PromptValues.None))
        {
            return Refuse(Errors.ConsentRequired, "The user has not allowed this client yet.");
        }

        ClientName = await applications.GetLocalizedDisplayNameAsync(application, cancellationToken) ?? request.ClientId!;
        RedirectHost = Uri.TryCreate(request.RedirectUri, UriKind.Absolute, out var redirect) ? redirect.Authority : "";
        Scopes = scopes;
        StaysSignedInUnasked = !scopes.Contains(OpenIddictConstants.Scopes.OfflineAccess, StringComparer.Ordinal)
            && await applications.HasPermissionAsync(application, Permissions.GrantTypes.RefreshToken, cancellationToken);
        RequestFields = [.. ParametersOf(request)];
        return Page();
    }

    private async Task<bool> HasConsentedAsync(SignedInUser user, string applicationId, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        await foreach (var _ in authorizations.FindAsync(
            user.Subject, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, [.. scopes], cancellationToken))
        {
            return true;
        }

        return false;
    }

    /// <summary>
    /// Consent is remembered as a permanent authorization. Tokens are not attached to it: each sign-in gets
    /// its own ad-hoc authorization, so a replayed refresh token revokes that one grant, not the consent
    /// or the user's other sessions.
    /// </summary>
    private async Task RememberConsentAsync(SignedInUser user, string applicationId, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        if (await HasConsentedAsync(user, applicationId, scopes, cancellationToken))
        {
            return;
        }

        await authorizations.CreateAsync(
            issuance.ForUser(user, scopes), user.Subject, applicationId, AuthorizationTypes.Permanent,
            [.. scopes], cancellationToken);
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
