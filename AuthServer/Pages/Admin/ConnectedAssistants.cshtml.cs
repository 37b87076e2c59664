using McpAspire.AuthServer.ConnectedAssistants;
using Microsoft.AspNetCore.Mvc.RazorPages;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Pages.Admin;

/// <summary>
/// Every user's grants to clients, a page at a time (<c>?offset=</c>), each with a revoke button that ends that
/// user's access for that client. Form fields (<c>handler=revoke</c>): <c>grant_id</c>, <c>offset</c> (the page to show
/// again) and the antiforgery token <c>__RequestVerificationToken</c>.
/// </summary>
public sealed class ConnectedAssistantsModel(ConnectedAssistantService assistants) : PageModel
{
    /// <summary>Deeper than anyone pages by hand; bounds the grants a single request may read and skip.</summary>
    public const int MaxOffset = 100_000;

    [BindProperty(SupportsGet = true, Name = "offset")]
    public int Offset { get; set; }

    [BindProperty(Name = "grant_id")]
    public string? GrantId { get; set; }

    public GrantPage Grants { get; private set; } = new([], 0, null);

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    /// <summary>The administrator's own subject, to mark their own grants.</summary>
    public string? OwnSubject => User.GetClaim(Claims.Subject);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (Offset is < 0 or > MaxOffset)
        {
            return BadRequest();
        }

        Grants = await assistants.ListPageAsync(Offset, cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken cancellationToken)
    {
        Offset = Math.Clamp(Offset, 0, MaxOffset);
        var revoked = await assistants.RevokeAnyAsync(GrantId, LogText.Safe(User.Identity?.Name), cancellationToken);
        if (revoked is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            Error = "There is no such valid grant: it may have been revoked already.";
        }
        else
        {
            Message = $"{revoked.Name} ({revoked.ClientId}) no longer has access for that user: {revoked.Grants} grant(s) and their tokens revoked.";
        }

        var page = await assistants.ListPageAsync(Offset, cancellationToken);
        // The scan may not show the revocation yet (eventually consistent): the grants just revoked are left out here.
        Grants = revoked is null ? page : page with
        {
            Rows = [.. page.Rows.Where(row => row.Subject != revoked.Subject || row.ClientId != revoked.ClientId)],
        };
        return Page();
    }
}
