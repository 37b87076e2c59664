namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>
/// The scope each tool needs, read from the tool's own annotations so there is one source of truth: read-only
/// tools need mcp:read; every other tool (and any tool without annotations) needs mcp:write.
/// </summary>
public sealed class ToolScopes(IOptions<McpServerOptions> server)
{
    public string ScopeFor(string toolName)
        => server.Value.ToolCollection is { } tools && tools.TryGetPrimitive(toolName, out var tool)
            ? ScopeFor(tool)
            : McpScopes.Read; // Unknown tools do nothing: the SDK answers "unknown tool".

    public static string ScopeFor(McpServerTool tool)
        => tool.ProtocolTool.Annotations?.ReadOnlyHint == true ? McpScopes.Read : McpScopes.Write;
}
