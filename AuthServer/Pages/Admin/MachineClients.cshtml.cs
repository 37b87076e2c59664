using McpAspire.AuthServer.MachineClients;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace McpAspire.AuthServer.Pages.Admin;

/// <summary>
/// Where the administrator creates and deletes machine clients (client credentials, for automation). Form
/// fields: <c>name</c> and <c>scope</c> (repeated: <c>mcp:read</c>, <c>mcp:write</c>) with <c>handler=create</c>;
/// <c>client_id</c> with <c>handler=delete</c>; the antiforgery token <c>__RequestVerificationToken</c>.
/// </summary>
public sealed class MachineClientsModel(MachineClientService machineClients) : PageModel
{
    [BindProperty(Name = "name")]
    public string Name { get; set; } = "";

    [BindProperty(Name = "scope")]
    public List<string> Scopes { get; set; } = [];

    [BindProperty(Name = "client_id")]
    public string ClientId { get; set; } = "";

    public CreatedMachineClient? Created { get; private set; }

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var name = Name.Trim();
        if (name.Length is 0 or > MachineClientService.MaxNameLength || name.Any(char.IsControl))
        {
            return Refuse($"Give the client a name of 1 to {MachineClientService.MaxNameLength} printable characters.");
        }

        if (Scopes.Count == 0 || Scopes.Any(scope => !McpScopes.Mcp.Contains(scope, StringComparer.Ordinal)))
        {
            return Refuse("Grant mcp:read, mcp:write or both.");
        }

        Created = await machineClients.CreateAsync(name, Scopes.Distinct(StringComparer.Ordinal).ToList(), User.Identity!.Name!, cancellationToken);
        Name = "";
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(ClientId) || ClientId.Length > 200)
        {
            return Refuse("Name the machine client to delete.");
        }

        if (!await machineClients.DeleteAsync(ClientId.Trim(), User.Identity!.Name!, cancellationToken))
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            Error = "There is no machine client with that client id.";
            return Page();
        }

        Message = "The machine client and its tokens are deleted.";
        return Page();
    }

    private PageResult Refuse(string error)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }
}
