using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace McpAspire.AuthServer.Pages.Account;

/// <summary>
/// Ends the browser's sign-in session. A POST with the antiforgery token (<c>__RequestVerificationToken</c>), so no
/// other site can sign a user out (or in as someone else) behind their back. Tokens already issued to MCP clients
/// are not touched: they are revoked by the client or an administrator.
/// </summary>
public sealed class LogoutModel : PageModel
{
    public bool SignedOut { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        SignedOut = true;
        return Page();
    }
}
