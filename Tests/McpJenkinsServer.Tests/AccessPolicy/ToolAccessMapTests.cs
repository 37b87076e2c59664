using System.Reflection;

namespace McpAspire.McpJenkinsServer.Tests.AccessPolicy;

/// <summary>Every registered tool has its action decided: a new tool without a mapping fails here (and is refused at run time).</summary>
public sealed class ToolAccessMapTests
{
    private static readonly McpServerToolAttribute[] Registered =
    [
        .. JenkinsToolRegistration.ToolTypes
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .Select(method => method.GetCustomAttribute<McpServerToolAttribute>())
            .OfType<McpServerToolAttribute>(),
    ];

    [Fact]
    public void Every_registered_tool_and_only_those_has_an_access_mapping()
    {
        var names = Registered.Select(tool => tool.Name!).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(23, names.Count);
        Assert.Equal(names, ToolAccessMap.Tools.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Read_only_tools_need_at_most_read_and_every_write_tool_a_write_action()
    {
        foreach (var tool in Registered)
        {
            var access = ToolAccessMap.For(tool.Name!)!;
            if (tool.ReadOnly)
            {
                Assert.True(access.Action is null or JenkinsAction.Read, tool.Name);
            }
            else
            {
                Assert.True(access.Action is JenkinsAction.Build or JenkinsAction.Cancel or JenkinsAction.Replay, tool.Name);
            }
        }
    }

    [Theory]
    [InlineData("trigger_build", JenkinsAction.Build)]
    [InlineData("rebuild", JenkinsAction.Build)]
    [InlineData("set_build_description", JenkinsAction.Build)]
    [InlineData("replay_pipeline", JenkinsAction.Replay)]
    [InlineData("stop_build", JenkinsAction.Cancel)]
    [InlineData("cancel_queue_item", JenkinsAction.Cancel)]
    public void Write_tools_need_the_action_the_design_names(string tool, JenkinsAction action)
        => Assert.Equal(action, ToolAccessMap.For(tool)!.Action);
}
