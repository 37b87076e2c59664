using McpAspire.AccessPolicy.JenkinsIdentity;
using McpAspire.AuthServer.JenkinsIdentity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Pages.Account;

/// <summary>
/// The signed-in user's own Jenkins identity: shown (the Jenkins user id, never the token), linked, unlinked. Form fields
/// (<c>handler=link</c>): <c>jenkins_user</c>, <c>api_token</c>; (<c>handler=unlink</c>): none; both with the antiforgery
/// token <c>__RequestVerificationToken</c>. Whose link it is comes from the session only: no form names a user, so
/// nobody can see, replace or remove another user's. Posts count against the per-address limit of sign-ins: each one
/// asks Jenkins about a credential.
/// </summary>
[Authorize]
public sealed class JenkinsModel(JenkinsIdentityLinks links) : PageModel
{
    /// <summary>Longer user ids are refused before Jenkins is asked.</summary>
    public const int MaxUserLength = 256;

    [BindProperty(Name = "jenkins_user")]
    public string? JenkinsUser { get; set; }

    [BindProperty(Name = "api_token")]
    public string? ApiToken { get; set; }

    public LinkedJenkinsIdentity? Linked { get; private set; }

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
        => Linked = await links.FindAsync(Subject, cancellationToken);

    public async Task<IActionResult> OnPostLinkAsync(CancellationToken cancellationToken)
    {
        var user = JenkinsUser?.Trim();
        var token = ApiToken?.Trim();
        // The token is never rendered back, whatever happens next.
        ApiToken = null;
        if (string.IsNullOrEmpty(user) || user.Length > MaxUserLength || user.Any(char.IsControl) || string.IsNullOrEmpty(token))
        {
            return await RefuseAsync(StatusCodes.Status400BadRequest,
                $"Enter your Jenkins user id (at most {MaxUserLength} characters) and an API token.", cancellationToken);
        }

        var outcome = await links.LinkAsync(Subject, user, token, cancellationToken);
        switch (outcome.Verdict)
        {
            case CredentialVerdict.Valid:
                Linked = outcome.Linked;
                Message = $"Linked. Your tool calls now run in Jenkins as '{user}', with your own Jenkins permissions.";
                return Page();
            case CredentialVerdict.NotAnApiToken:
                return await RefuseAsync(StatusCodes.Status400BadRequest,
                    "That is not a Jenkins API token (32 or 34 hexadecimal characters). Create one in Jenkins under your name, " +
                    "Security, API Token; never enter your password here. Nothing was sent to Jenkins.", cancellationToken);
            case CredentialVerdict.Rejected:
                return await RefuseAsync(StatusCodes.Status400BadRequest,
                    $"Jenkins refused the user id '{user}' with this API token (HTTP 401): check both, or create a new token. Nothing was linked.", cancellationToken);
            case CredentialVerdict.NameMismatch:
                return await RefuseAsync(StatusCodes.Status400BadRequest,
                    $"Jenkins knows this API token as user '{outcome.ReportedUser}', not '{user}'. Enter your user id exactly as Jenkins reports it. Nothing was linked.",
                    cancellationToken);
            default:
                return await RefuseAsync(StatusCodes.Status503ServiceUnavailable,
                    "Jenkins could not be asked whether these credentials are yours (it is down or did not answer). Try again later. Nothing was linked.", cancellationToken);
        }
    }

    public async Task<IActionResult> OnPostUnlinkAsync(CancellationToken cancellationToken)
    {
        Message = await links.UnlinkAsync(Subject, "by the user", cancellationToken)
            ? "Unlinked. Your tool calls run as the MCP server's Jenkins account again, from the next call on."
            : "No Jenkins identity was linked.";
        return Page();
    }

    private async Task<IActionResult> RefuseAsync(int status, string error, CancellationToken cancellationToken)
    {
        Response.StatusCode = status;
        Error = error;
        Linked = await links.FindAsync(Subject, cancellationToken);
        return Page();
    }

    private string Subject => User.GetClaim(Claims.Subject)
        ?? throw new InvalidOperationException("The sign-in session carries no subject.");
}
