using McpAspire.AuthServer.ConnectedAssistants;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Pages.Account;

/// <summary>
/// The signed-in user's connected assistants: the clients they allowed, and a revoke button for each. Form fields
/// (<c>handler=revoke</c>): <c>grant_id</c> and the antiforgery token <c>__RequestVerificationToken</c>. Whose grants
/// these are comes from the session only; a grant id that is not the user's answers 404, as an unknown one does.
/// </summary>
[Authorize]
public sealed class AssistantsModel(ConnectedAssistantService assistants, IOptions<AuthServerOptions> settings) : PageModel
{
    [BindProperty(Name = "grant_id")]
    public string? GrantId { get; set; }

    public IReadOnlyList<ConnectedAssistant> Assistants { get; private set; } = [];

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    /// <summary>How long an access token lives: how long a "last use" can lag behind the real one.</summary>
    public int AccessTokenMinutes => Math.Max(1, (int)Math.Round(settings.Value.AccessTokenLifetime.TotalMinutes));

    public async Task OnGetAsync(CancellationToken cancellationToken)
        => Assistants = await assistants.ListForUserAsync(Subject, cancellationToken);

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken cancellationToken)
    {
        var revoked = await assistants.RevokeOwnAsync(GrantId, Subject, LogText.Safe(User.Identity?.Name), cancellationToken);
        var listed = await assistants.ListForUserAsync(Subject, cancellationToken);
        if (revoked is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            Error = "You have no such assistant connected: it may have been revoked already.";
            Assistants = listed;
            return Page();
        }

        Message = $"{revoked.Name} no longer has access to your account. To use it again, connect it again and allow it.";
        // The subject index may not show the revocation yet (eventually consistent): the revoked client is left out here.
        Assistants = [.. listed.Where(assistant => !string.Equals(assistant.ClientId, revoked.ClientId, StringComparison.Ordinal))];
        return Page();
    }

    private string Subject => User.GetClaim(Claims.Subject)
        ?? throw new InvalidOperationException("The sign-in session carries no subject.");
}
