namespace McpAspire.McpJenkinsServer.Tests.Unit;

public sealed class ToolSchemaTests
{
    private static readonly List<McpServerTool> Tools = LoadTools();

    private static List<McpServerTool> LoadTools()
    {
        var services = new ServiceCollection();
        services.AddMcpServer().WithJenkinsTools();
        using var provider = services.BuildServiceProvider();
        return [.. provider.GetServices<McpServerTool>()];
    }

    [Fact]
    public void Every_tool_and_every_argument_is_described()
    {
        Assert.Equal(23, Tools.Count);
        foreach (var tool in Tools.Select(t => t.ProtocolTool))
        {
            Assert.False(string.IsNullOrWhiteSpace(tool.Description), tool.Name);
            Assert.Matches("^[a-z]+(_[a-z]+)*$", tool.Name);
            if (tool.InputSchema.TryGetProperty("properties", out var properties))
            {
                foreach (var argument in properties.EnumerateObject())
                {
                    Assert.True(argument.Value.TryGetProperty("description", out _), $"{tool.Name}.{argument.Name} has no description");
                }
            }
        }
    }

    [Fact]
    public void Injected_parameters_are_not_arguments()
    {
        var trigger = Tools.Single(t => t.ProtocolTool.Name == "trigger_build").ProtocolTool;
        var names = trigger.InputSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Equal(["job", "parameters", "wait_for_start", "wait_seconds"], names);
        Assert.Equal(["job"], trigger.InputSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Read_tools_need_mcp_read_and_the_rest_mcp_write_by_their_annotations()
    {
        var scopes = Tools.ToDictionary(t => t.ProtocolTool.Name, ToolScopes.ScopeFor);

        Assert.Equal(["cancel_queue_item", "rebuild", "replay_pipeline", "set_build_description", "stop_build", "trigger_build"], scopes.Where(s => s.Value == "mcp:write").Select(s => s.Key).Order());
        Assert.All(Tools, t => Assert.NotNull(t.ProtocolTool.Annotations?.IdempotentHint));
        Assert.All(Tools, t => Assert.NotNull(t.ProtocolTool.Annotations?.DestructiveHint));
        Assert.All(Tools, t => Assert.NotNull(t.ProtocolTool.OutputSchema));
    }
}
