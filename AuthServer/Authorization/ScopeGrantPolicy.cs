namespace McpAspire.AuthServer.Authorization;

/// <summary>
/// Decides which of the requested scopes a token carries. OpenIddict has already refused scopes it does
/// not know (<c>invalid_scope</c>); this policy keeps the OpenID ones harmless and the MCP ones explicit.
/// </summary>
public static class ScopeGrantPolicy
{
    /// <summary>
    /// The scopes a user grants: the requested MCP and OpenID scopes, in a stable order. A request that
    /// names no MCP scope at all (clients asking only for <c>openid email profile offline_access</c>) gets
    /// <c>mcp:read</c>, the least the MCP server needs to be of use, and never more than that.
    /// </summary>
    public static IReadOnlyList<string> Grant(IEnumerable<string> requested)
    {
        var asked = requested.ToHashSet(StringComparer.Ordinal);
        var granted = McpScopes.Supported.Where(asked.Contains).ToList();
        if (!McpScopes.Mcp.Any(asked.Contains))
        {
            granted.Insert(0, McpScopes.Read);
        }

        return granted;
    }

    /// <summary>
    /// The scopes a client acting for itself gets: only MCP scopes (no user, so no OpenID scopes and no
    /// refresh token), <c>mcp:read</c> when it names none.
    /// </summary>
    public static IReadOnlyList<string> GrantToClient(IEnumerable<string> requested)
    {
        var asked = requested.ToHashSet(StringComparer.Ordinal);
        var granted = McpScopes.Mcp.Where(asked.Contains).ToList();
        return granted.Count == 0 ? [McpScopes.Read] : granted;
    }
}
