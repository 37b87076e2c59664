using McpAspire.AccessPolicy;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace McpAspire.AuthServer.Pages.Admin;

/// <summary>
/// Where administrators edit the Jenkins access policy the MCP server enforces (docs/auth-server.md, "Jenkins access
/// policy"). Every change is a POST with the antiforgery token and the <c>version</c> the administrator saw, saved at once
/// with that version as the condition: of two administrators editing together, the second is told of the conflict and
/// sees the policy as it now is, with their own input kept in the form. Form fields: <c>handler=add</c> with
/// <c>who</c> (<c>*</c>, <c>group:NAME</c>, <c>user:NAME</c>), <c>items</c>, <c>action</c> (repeated) and optional
/// <c>position</c> (1-based); <c>handler=remove</c> with <c>rule</c> (1-based); <c>handler=move</c> with <c>rule</c> and
/// <c>direction</c> (<c>up</c>, <c>down</c>); <c>handler=replace</c> with <c>document</c> (the JSON form).
/// </summary>
public sealed class AccessPolicyModel(IAccessPolicyStore store) : PageModel
{
    [BindProperty(Name = "version")]
    public long Version { get; set; }

    [BindProperty(Name = "who")]
    public string? Who { get; set; }

    [BindProperty(Name = "items")]
    public string? Items { get; set; }

    [BindProperty(Name = "action")]
    public List<string> Actions { get; set; } = [];

    [BindProperty(Name = "position")]
    public int? Position { get; set; }

    [BindProperty(Name = "rule")]
    public int Rule { get; set; }

    [BindProperty(Name = "direction")]
    public string? Direction { get; set; }

    [BindProperty(Name = "document")]
    public string? Document { get; set; }

    /// <summary>The policy as stored now (or the default when nothing is stored); null when the stored one cannot be read.</summary>
    public AccessPolicyDocument? Policy { get; private set; }

    public string? Message { get; private set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken cancellationToken)
    {
        AccessRule rule;
        try
        {
            // An empty field binds as null (MVC turns empty strings into null).
            rule = AccessPolicyJson.ParseRule(Who?.Trim(), Items?.Trim(), Actions, number: (Position ?? 0) > 0 ? Position!.Value : 0);
        }
        catch (AccessPolicyFormatException exception)
        {
            return await RefuseAsync(StatusCodes.Status400BadRequest, NewRuleProblem(exception.Message), cancellationToken);
        }

        return await ChangeAsync(rules =>
        {
            var at = Position is { } position ? Math.Clamp(position - 1, 0, rules.Count) : rules.Count;
            rules.Insert(at, rule);
            return $"Rule {at + 1} added: {rule}.";
        }, cancellationToken);
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken cancellationToken)
        => await ChangeAsync(rules =>
        {
            if (Rule < 1 || Rule > rules.Count)
            {
                return null;
            }

            var removed = rules[Rule - 1];
            rules.RemoveAt(Rule - 1);
            return $"Rule {Rule} removed: {removed}.";
        }, cancellationToken);

    public async Task<IActionResult> OnPostMoveAsync(CancellationToken cancellationToken)
        => await ChangeAsync(rules =>
        {
            var target = Direction switch { "up" => Rule - 1, "down" => Rule + 1, _ => 0 };
            if (Rule < 1 || Rule > rules.Count || target < 1 || target > rules.Count)
            {
                return null;
            }

            (rules[Rule - 1], rules[target - 1]) = (rules[target - 1], rules[Rule - 1]);
            return $"Rule {Rule} moved {Direction} to position {target}.";
        }, cancellationToken);

    public async Task<IActionResult> OnPostReplaceAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<AccessRule> replacement;
        try
        {
            replacement = AccessPolicyJson.Read(Document);
        }
        catch (AccessPolicyFormatException exception)
        {
            return await RefuseAsync(StatusCodes.Status400BadRequest, exception.Message, cancellationToken);
        }

        return await SaveAsync([.. replacement], $"The policy was replaced: {replacement.Count} rule(s).", cancellationToken);
    }

    private async Task<IActionResult> ChangeAsync(Func<List<AccessRule>, string?> change, CancellationToken cancellationToken)
    {
        // The version the administrator saw; loading the page's state below replaces the bound value by the stored one.
        var seen = Version;
        await LoadAsync(cancellationToken);
        if (Policy is null)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }

        if (Policy.Version != seen)
        {
            return await ConflictAsync(seen, cancellationToken);
        }

        var rules = Policy.Rules.ToList();
        var done = change(rules);
        if (done is null)
        {
            return await RefuseAsync(StatusCodes.Status400BadRequest, "There is no such rule, or it cannot move that way.", cancellationToken);
        }

        return await SaveAsync(rules, done, cancellationToken);
    }

    private async Task<IActionResult> SaveAsync(IReadOnlyList<AccessRule> rules, string done, CancellationToken cancellationToken)
    {
        try
        {
            Policy = await store.SaveAsync(rules, Version, User.Identity?.Name ?? "", cancellationToken);
        }
        catch (AccessPolicyConflictException)
        {
            return await ConflictAsync(Version, cancellationToken);
        }

        Message = $"{done} Saved as version {Policy.Version}; the MCP server applies it from its next tool call.";
        Version = Policy.Version;
        ClearNewRule();
        return Page();
    }

    /// <summary>Another administrator saved since this one loaded the page: nothing is overwritten, their input stays in the form.</summary>
    private async Task<IActionResult> ConflictAsync(long seen, CancellationToken cancellationToken)
        => await RefuseAsync(StatusCodes.Status409Conflict,
            $"The policy was changed by someone else since you loaded version {seen}; your change was not saved. " +
            "Here is the policy as it is now; apply your change to it again.", cancellationToken);

    private async Task<IActionResult> RefuseAsync(int status, string error, CancellationToken cancellationToken)
    {
        var keptDocument = Document;
        await LoadAsync(cancellationToken);
        Error = Error is null ? error : $"{error} {Error}";
        Document = keptDocument ?? Document;
        Response.StatusCode = status;
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            Policy = await store.ReadAsync(cancellationToken);
            Version = Policy.Version;
            Document = AccessPolicyJson.Write(Policy.Rules, indented: true);
        }
        catch (AccessPolicyFormatException exception)
        {
            // The MCP server refuses every tool call meanwhile; replacing the document (with its version) repairs it.
            Policy = null;
            Version = exception.StoredVersion ?? Version;
            Error = $"The stored policy cannot be read, so the MCP server refuses every tool call: {exception.Message} Replace it below.";
        }

        ModelState.Clear();
    }

    private void ClearNewRule()
    {
        Who = "";
        Items = "";
        Actions = [];
        Position = null;
    }

    private static string NewRuleProblem(string message)
        => message.StartsWith("Rule 0: ", StringComparison.Ordinal) ? "The new rule: " + message["Rule 0: ".Length..]
            : message.StartsWith("Rule 0 ", StringComparison.Ordinal) ? "The new rule " + message["Rule 0 ".Length..]
            : message;
}
