namespace McpAspire.McpJenkinsServer.Tools;

/// <summary>Jenkins as a whole, and who is asking. Counts of items count only what the caller may see.</summary>
[McpServerToolType]
public sealed class StatusTools(JenkinsClient jenkins, JenkinsAccess? access = null)
{
    private readonly JenkinsAccess _access = access ?? JenkinsAccess.Unrestricted;

    [McpServerTool(Name = "get_jenkins_status", Title = "Jenkins status", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Summarizes the Jenkins controller: version, whether it is quieting down (no new builds start), security, number of top-level items, queue length and executor use.")]
    public async Task<JenkinsStatus> GetJenkinsStatus(CancellationToken cancellationToken = default)
    {
        var version = jenkins.GetVersionAsync(cancellationToken);
        var root = jenkins.GetRootAsync("description,useSecurity,useCrumbs,quietingDown,jobs[name]", cancellationToken);
        var queue = jenkins.GetQueueAsync("items[id,task[url]]", cancellationToken);
        var computers = jenkins.GetComputersAsync("busyExecutors,totalExecutors", cancellationToken);
        await Task.WhenAll(version, root, queue, computers);

        return new JenkinsStatus(
            await version,
            true,
            (await root).QuietingDown ?? false,
            (await root).UseSecurity ?? false,
            (await root).Description,
            ((await root).Jobs ?? []).Count(job => _access.ReadsEverything || (job.Name is { } name && _access.CanSee(name))),
            ((await queue).Items ?? []).Count(item => _access.ReadsEverything || _access.CanRead(JenkinsPaths.FullNameFromUrl(item.Task?.Url))),
            (await computers).BusyExecutors ?? 0,
            (await computers).TotalExecutors ?? 0);
    }

    [McpServerTool(Name = "who_am_i", Title = "Who am I", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Tells who is calling (OAuth subject, user name, groups, client and granted scopes: what the Jenkins access policy decides on) and which Jenkins account the MCP server acts as on the caller's behalf: the caller's own linked Jenkins identity, or the server's account.")]
    public async Task<Identity> WhoAmI(RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken = default)
    {
        var user = context.User;
        // The caller exactly as the access policy sees them, so a refused action can be explained from here.
        var caller = EnforceAccessPolicy.CallerOf(user);
        var jenkinsUser = await jenkins.WhoAmIAsync(cancellationToken);
        return new Identity(
            user?.GetClaim(OpenIddictConstants.Claims.Subject),
            user?.GetClaim(OpenIddictConstants.Claims.ClientId),
            user is null ? [] : [.. user.GetScopes()],
            caller.UserName,
            caller.Groups,
            jenkinsUser.Name,
            jenkinsUser.Authenticated ?? false,
            jenkinsUser.Authorities ?? [],
            jenkins.LinkedJenkinsUser is not null);
    }
}
