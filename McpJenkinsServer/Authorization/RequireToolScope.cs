namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>
/// Where a tool call is authorized inside the MCP SDK: the tool's scope (<see cref="ToolScopes"/>) is checked once
/// more for every <c>tools/call</c>, behind the HTTP 403 <c>insufficient_scope</c> that
/// <see cref="McpScopeAuthorizationHandler"/> answers before the SDK sees the request (defence in depth: a call that
/// reached the SDK some other way still cannot run a write tool with a read-only token). Registered inside the audit
/// filter, so a refusal is audited as "denied".
/// </summary>
public sealed class RequireToolScope(ToolScopes toolScopes)
{
    public ValueTask<CallToolResult> InvokeAsync(
        McpRequestHandler<CallToolRequestParams, CallToolResult> next,
        RequestContext<CallToolRequestParams> context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(context);
        var scope = toolScopes.ScopeFor(context.Params?.Name ?? "");
        if (context.User?.HasScope(scope) != true)
        {
            throw new ToolScopeDeniedException(scope);
        }

        return next(context, cancellationToken);
    }
}

/// <summary>A tool call refused by <see cref="RequireToolScope"/>: a JSON-RPC invalid-request error naming the missing scope.</summary>
public sealed class ToolScopeDeniedException(string scope)
    : McpProtocolException($"The token lacks the '{scope}' scope this tool needs.", McpErrorCode.InvalidRequest)
{
    public string Scope { get; } = scope;
}
