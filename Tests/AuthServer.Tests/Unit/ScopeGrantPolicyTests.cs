using McpAspire.AuthServer.Authorization;

namespace McpAspire.AuthServer.Tests.Unit;

public sealed class ScopeGrantPolicyTests
{
    [Fact]
    public void Requested_mcp_scopes_are_granted_as_asked()
    {
        Assert.Equal(["mcp:read", "mcp:write", "offline_access"], ScopeGrantPolicy.Grant(["offline_access", "mcp:write", "mcp:read"]));
    }

    [Fact]
    public void OpenId_scopes_alone_grant_only_mcp_read()
    {
        var granted = ScopeGrantPolicy.Grant(["openid", "email", "profile", "offline_access"]);

        Assert.Equal(["mcp:read", "openid", "profile", "email", "offline_access"], granted);
        Assert.DoesNotContain("mcp:write", granted);
    }

    [Fact]
    public void Mcp_write_is_never_granted_unless_asked_for()
    {
        Assert.DoesNotContain("mcp:write", ScopeGrantPolicy.Grant(["mcp:read"]));
        Assert.DoesNotContain("mcp:write", ScopeGrantPolicy.Grant([]));
    }

    [Fact]
    public void A_client_acting_for_itself_gets_no_openid_scopes_and_no_refresh()
    {
        Assert.Equal(["mcp:read"], ScopeGrantPolicy.GrantToClient(["openid", "offline_access"]));
        Assert.Equal(["mcp:write"], ScopeGrantPolicy.GrantToClient(["mcp:write", "offline_access"]));
    }
}
