using System.Security.Claims;
using McpAspire.McpJenkinsServer.Model;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace McpAspire.McpJenkinsServer.Tests.Unit;

/// <summary>Where a tool call is authorized inside the MCP SDK (behind the HTTP 403): the tool's own scope.</summary>
public sealed class RequireToolScopeTests : IAsyncDisposable
{
    private static readonly string[] ReadOnly = [McpScopes.Read];
    private static readonly string[] ReadWrite = [McpScopes.Read, McpScopes.Write];

    private readonly McpServer _server = McpServer.Create(new StreamServerTransport(Stream.Null, Stream.Null), new McpServerOptions());
    private readonly RequireToolScope _filter;

    public RequireToolScopeTests()
    {
        var tools = new McpServerPrimitiveCollection<McpServerTool>
        {
            McpServerTool.Create(() => "listed", new McpServerToolCreateOptions { Name = "list_jobs", ReadOnly = true }),
            McpServerTool.Create(() => "triggered", new McpServerToolCreateOptions { Name = "trigger_build", ReadOnly = false }),
        };
        _filter = new RequireToolScope(new ToolScopes(Options.Create(new McpServerOptions { ToolCollection = tools })));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_write_tool_called_with_a_read_only_token_is_refused_naming_the_scope_and_never_runs()
    {
        var ran = false;
        var exception = await Assert.ThrowsAsync<ToolScopeDeniedException>(() => _filter.InvokeAsync(
            (_, _) => { ran = true; return ValueTask.FromResult(new CallToolResult()); },
            Context("trigger_build", ReadOnly), CancellationToken.None).AsTask());

        Assert.False(ran);
        Assert.Equal(McpScopes.Write, exception.Scope);
    }

    [Theory]
    [InlineData("list_jobs")]
    [InlineData("trigger_build")]
    public async Task A_tool_runs_when_the_token_has_its_scope(string tool)
    {
        var ran = false;
        await _filter.InvokeAsync((_, _) => { ran = true; return ValueTask.FromResult(new CallToolResult()); }, Context(tool, ReadWrite), CancellationToken.None);
        Assert.True(ran);
    }

    [Fact]
    public async Task A_read_tool_called_without_any_scope_is_refused()
    {
        await Assert.ThrowsAsync<ToolScopeDeniedException>(() => _filter.InvokeAsync(
            (_, _) => ValueTask.FromResult(new CallToolResult()), Context("list_jobs", []), CancellationToken.None).AsTask());
    }

    private RequestContext<CallToolRequestParams> Context(string tool, string[] scopes)
    {
        var identity = new ClaimsIdentity("Bearer");
        identity.SetScopes(scopes);
        return new RequestContext<CallToolRequestParams>(_server, new JsonRpcRequest { Method = RequestMethods.ToolsCall }, new CallToolRequestParams { Name = tool })
        {
            User = new ClaimsPrincipal(identity),
        };
    }
}
