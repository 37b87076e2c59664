using System.ComponentModel;
using McpAspire.McpJenkinsServer.Model.Results;
using McpAspire.McpJenkinsServer.Services;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using OpenIddict.Abstractions;

namespace McpAspire.McpJenkinsServer.Tools;

/// <summary>Jenkins as a whole, and who is asking.</summary>
[McpServerToolType]
public sealed class StatusTools(JenkinsClient jenkins)
{
    [McpServerTool(Name = "get_jenkins_status", Title = "Jenkins status", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Summarizes the Jenkins controller: version, whether it is quieting down (no new builds start), security, number of top-level items, queue length and executor use.")]
    public async Task<JenkinsStatus> GetJenkinsStatus(CancellationToken cancellationToken = default)
    {
        var version = jenkins.GetVersionAsync(cancellationToken);
        var root = jenkins.GetRootAsync("description,useSecurity,useCrumbs,quietingDown,jobs[name]", cancellationToken);
        var queue = jenkins.GetQueueAsync("items[id]", cancellationToken);
        var computers = jenkins.GetComputersAsync("busyExecutors,totalExecutors", cancellationToken);
        await Task.WhenAll(version, root, queue, computers);

        return new JenkinsStatus(
            await version,
            true,
            (await root).QuietingDown ?? false,
            (await root).UseSecurity ?? false,
            (await root).Description,
            (await root).Jobs?.Count ?? 0,
            (await queue).Items?.Count ?? 0,
            (await computers).BusyExecutors ?? 0,
            (await computers).TotalExecutors ?? 0);
    }

    [McpServerTool(Name = "who_am_i", Title = "Who am I", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Tells who is calling (OAuth subject, client and granted scopes) and which Jenkins account the MCP server acts as on the caller's behalf.")]
    public async Task<Identity> WhoAmI(RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken = default)
    {
        var user = context.User;
        var jenkinsUser = await jenkins.WhoAmIAsync(cancellationToken);
        return new Identity(
            user?.GetClaim(OpenIddictConstants.Claims.Subject),
            user?.GetClaim(OpenIddictConstants.Claims.ClientId),
            user is null ? [] : [.. user.GetScopes()],
            jenkinsUser.Name,
            jenkinsUser.Authenticated ?? false,
            jenkinsUser.Authorities ?? []);
    }
}
