using System.ComponentModel;
using McpAspire.McpJenkinsServer.Model.Results;
using McpAspire.McpJenkinsServer.Services;
using ModelContextProtocol.Server;

namespace McpAspire.McpJenkinsServer.Tools;

/// <summary>Nodes (the built-in node and agents) and their executors.</summary>
[McpServerToolType]
public sealed class NodeTools(JenkinsClient jenkins)
{
    [McpServerTool(Name = "list_nodes", Title = "List nodes and executors", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Lists Jenkins nodes with their executors: online or offline (and why), idle or busy, labels, and the builds running on them.")]
    public async Task<NodeList> ListNodes(CancellationToken cancellationToken = default)
    {
        var set = await jenkins.GetComputersAsync(
            "busyExecutors,totalExecutors,computer[displayName,numExecutors,offline,temporarilyOffline,idle,offlineCauseReason,assignedLabels[name],executors[idle,number,progress,currentExecutable[url,number,fullDisplayName]]]",
            cancellationToken);
        return new NodeList(set.BusyExecutors ?? 0, set.TotalExecutors ?? 0, [.. (set.Computer ?? []).Select(JenkinsMapper.ToNode)]);
    }
}
