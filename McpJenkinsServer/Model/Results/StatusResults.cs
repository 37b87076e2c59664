using System.ComponentModel;

namespace McpAspire.McpJenkinsServer.Model.Results;

[Description("Jenkins nodes (agents) and their executors.")]
public sealed record NodeList(int BusyExecutors, int TotalExecutors, IReadOnlyList<Node> Nodes);

public sealed record Node(
    string Name,
    int Executors,
    bool Offline,
    bool TemporarilyOffline,
    bool Idle,
    string? OfflineReason,
    IReadOnlyList<string> Labels,
    [property: Description("Builds running on this node's executors.")] IReadOnlyList<string> Running);

[Description("The Jenkins controller's state.")]
public sealed record JenkinsStatus(
    string? Version,
    bool Reachable,
    bool QuietingDown,
    bool UseSecurity,
    string? Description,
    int TopLevelItems,
    int QueueLength,
    int BusyExecutors,
    int TotalExecutors);

[Description("Who is calling, and as whom the server acts in Jenkins.")]
public sealed record Identity(
    [property: Description("The OAuth subject (the signed-in user).")] string? Subject,
    [property: Description("The OAuth client the user signed in with.")] string? ClientId,
    IReadOnlyList<string> Scopes,
    [property: Description("The Jenkins account the MCP server uses (never the caller's token).")] string? JenkinsUser,
    bool JenkinsAuthenticated,
    IReadOnlyList<string> JenkinsAuthorities);
