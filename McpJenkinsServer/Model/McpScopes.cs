namespace McpAspire.McpJenkinsServer.Model;

/// <summary>The OAuth scopes this server understands, and what each one allows.</summary>
public static class McpScopes
{
    /// <summary>Read Jenkins: jobs, builds, logs, test reports, queue, nodes, status.</summary>
    public const string Read = "mcp:read";

    /// <summary>Change Jenkins: trigger, stop and rebuild builds, cancel queue items.</summary>
    public const string Write = "mcp:write";

    public static readonly string[] All = [Read, Write];

    /// <summary>RFC 9728 well-known prefix.</summary>
    public const string ResourceMetadataPath = "/.well-known/oauth-protected-resource";
}
