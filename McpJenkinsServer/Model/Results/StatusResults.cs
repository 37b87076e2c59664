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
    [property: Description("Builds running on this node's executors; a Pipeline's node block shows as 'JOB #N (node block)'.")] IReadOnlyList<string> Running,
    [property: Description("Pipeline runs on this node's one-off (flyweight) executors: they take no executor slot; their work runs in node blocks on agents.")] IReadOnlyList<string> FlyweightRuns);

[Description("Builds running anywhere on the controller, from every node's executors.")]
public sealed record RunningBuildList(IReadOnlyList<RunningBuild> Builds);

public sealed record RunningBuild(
    [property: Description("Full name of the job.")] string? Job,
    int? Number,
    string? Url,
    DateTimeOffset? StartedAt,
    [property: Description("Percent of Jenkins' estimate done, -1 without estimate.")] int Progress,
    [property: Description("Nodes whose executors it holds (a Pipeline: its node blocks' agents).")] IReadOnlyList<string> Nodes,
    [property: Description("True when a Pipeline run holds no agent executor: between node blocks, or its node block is still queued (see get_queue).")] bool WithoutAgent);

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
    [property: Description("The signed-in user's name, as the Jenkins access policy's user rules name it; null for a machine client.")] string? UserName,
    [property: Description("The user's groups, as the Jenkins access policy's group rules name them (from the token: a change reaches the next token).")] IReadOnlyList<string> Groups,
    [property: Description("The Jenkins account this caller's calls run as, as Jenkins reports it (never a token).")] string? JenkinsUser,
    bool JenkinsAuthenticated,
    IReadOnlyList<string> JenkinsAuthorities,
    [property: Description("True when the calls run as the caller's own Jenkins identity, linked on the authorization server's page /account/jenkins; false: as the MCP server's Jenkins account.")] bool JenkinsIdentityLinked);
