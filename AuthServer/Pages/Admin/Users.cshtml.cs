using Microsoft.AspNetCore.Mvc.RazorPages;

namespace McpAspire.AuthServer.Pages.Admin;

/// <summary>
/// Where administrators manage local accounts. Form fields: <c>username</c>, <c>password</c> and <c>groups</c>
/// (names separated by commas or spaces) with <c>handler=create</c>; <c>username</c> and <c>groups</c> with
/// <c>handler=groups</c>; <c>username</c> with <c>handler=disable</c> or <c>handler=enable</c>; <c>username</c> and
/// <c>password</c> with <c>handler=password</c>; the antiforgery token <c>__RequestVerificationToken</c>. The list is
/// paged with <c>?page=</c>, a token from the previous page.
/// </summary>
public sealed class UsersModel(IUserStore users, UserAdministration administration) : PageModel
{
    private const int PageSize = 50;

    // Nullable: model binding turns an empty or blank field into null.
    [BindProperty(Name = "username")]
    public string? UserName { get; set; }

    [BindProperty(Name = "password")]
    public string? Password { get; set; }

    [BindProperty(Name = "groups")]
    public string? Groups { get; set; }

    public IReadOnlyList<AppUser> Listed { get; private set; } = [];

    /// <summary>The user just created: its subject is what the connected-assistants page and the audit logs show.</summary>
    public AppUser? Created { get; private set; }

    public string? NextPage { get; private set; }

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync([FromQuery(Name = "page")] string? page, CancellationToken cancellationToken)
    {
        if (page is { Length: > 1024 })
        {
            return Refuse("That page does not exist.");
        }

        try
        {
            await LoadAsync(page, cancellationToken);
        }
        catch (InvalidPageTokenException)
        {
            return Refuse("That page does not exist.");
        }

        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var name = UserName?.Trim() ?? "";
        if (name.Length is 0 or > DynamoDbUserStore.MaxUserNameLength || name.Any(char.IsControl))
        {
            return await RefuseAsync($"A user name has 1 to {DynamoDbUserStore.MaxUserNameLength} printable characters.", cancellationToken);
        }

        if (UserAdministration.CheckPassword(Password) is { } weak)
        {
            return await RefuseAsync(weak, cancellationToken);
        }

        if (UserAdministration.ParseGroups(Groups, out var problem) is not { } groups)
        {
            return await RefuseAsync(problem!, cancellationToken);
        }

        try
        {
            Created = await administration.CreateAsync(name, Password!, groups, Administrator, cancellationToken);
        }
        catch (UserAlreadyExistsException)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
            return await ShowAsync(error: "A user with that name exists already.", cancellationToken: cancellationToken);
        }

        UserName = "";
        Groups = "";
        return await ShowAsync(message: $"User {name} created.", cancellationToken: cancellationToken);
    }

    public async Task<IActionResult> OnPostGroupsAsync(CancellationToken cancellationToken)
    {
        if (UserAdministration.ParseGroups(Groups, out var problem) is not { } groups)
        {
            return await RefuseAsync(problem!, cancellationToken);
        }

        return await ChangeAsync(() => administration.SetGroupsAsync(UserName ?? "", groups, Administrator, cancellationToken),
            $"Groups of {UserName} saved: they apply from the user's next sign-in or token refresh.", cancellationToken);
    }

    public Task<IActionResult> OnPostDisableAsync(CancellationToken cancellationToken)
        => ChangeAsync(() => administration.DisableAsync(UserName ?? "", Administrator, cancellationToken),
            $"{UserName} is disabled: signed out, and every grant and token revoked.", cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(CancellationToken cancellationToken)
        => ChangeAsync(() => administration.EnableAsync(UserName ?? "", Administrator, cancellationToken),
            $"{UserName} is enabled and may sign in again.", cancellationToken);

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken cancellationToken)
    {
        if (UserAdministration.CheckPassword(Password) is { } weak)
        {
            return await RefuseAsync(weak, cancellationToken);
        }

        var reset = string.IsNullOrWhiteSpace(UserName) || UserName.Length > DynamoDbUserStore.MaxUserNameLength
            ? PasswordReset.NoSuchUser
            : await administration.ResetPasswordAsync(UserName, Password!, Administrator, cancellationToken);
        return reset switch
        {
            PasswordReset.Done => await ShowAsync(message: $"Password of {UserName} reset: signed out, and every grant and token revoked.", cancellationToken: cancellationToken),
            PasswordReset.SignsInElsewhere => await RefuseAsync($"{UserName} signs in at an identity provider: no password can be set here.", cancellationToken),
            _ => await NoSuchUserAsync(cancellationToken),
        };
    }

    private string Administrator => User.Identity!.Name!;

    private async Task<IActionResult> ChangeAsync(Func<Task<bool>> change, string done, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(UserName) || UserName.Length > DynamoDbUserStore.MaxUserNameLength || !await change())
        {
            return await NoSuchUserAsync(cancellationToken);
        }

        return await ShowAsync(message: done, cancellationToken: cancellationToken);
    }

    private async Task<IActionResult> NoSuchUserAsync(CancellationToken cancellationToken)
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return await ShowAsync(error: "There is no user with that name.", cancellationToken: cancellationToken);
    }

    private async Task<IActionResult> RefuseAsync(string error, CancellationToken cancellationToken)
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await ShowAsync(error: error, cancellationToken: cancellationToken);
    }

    private PageResult Refuse(string error)
    {
        Error = error;
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<IActionResult> ShowAsync(string? message = null, string? error = null, CancellationToken cancellationToken = default)
    {
        // Never echoed back into the page: a password typed into a failed form must be typed again.
        Password = "";
        Message = message;
        Error = error;
        await LoadAsync(pageToken: null, cancellationToken);
        return Page();
    }

    private async Task LoadAsync(string? pageToken, CancellationToken cancellationToken)
    {
        var page = await users.ListAsync(PageSize, pageToken, cancellationToken);
        Listed = [.. page.Users.OrderBy(user => user.UserName, StringComparer.OrdinalIgnoreCase)];
        NextPage = page.NextPageToken;
    }
}
