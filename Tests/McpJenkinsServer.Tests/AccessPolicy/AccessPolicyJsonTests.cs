namespace McpAspire.McpJenkinsServer.Tests.AccessPolicy;

/// <summary>The policy's JSON form: what is written reads back the same; anything malformed refuses the whole document.</summary>
public sealed class AccessPolicyJsonTests
{
    private static readonly JenkinsAction[] AllButReplay = [JenkinsAction.Cancel, JenkinsAction.Read, JenkinsAction.Build, JenkinsAction.Read];

    [Fact]
    public void A_policy_written_as_JSON_reads_back_equal_in_order()
    {
        AccessRule[] rules =
        [
            new(Subject.Group("team-a"), ItemPattern.Parse("team-a/**"), AllButReplay),
            new(Subject.User("carol"), ItemPattern.Parse("shop/feature%2Fcheckout"), JenkinsActions.All),
            new(Subject.Everyone, ItemPattern.Parse("*"), [JenkinsAction.Read]),
        ];

        var json = AccessPolicyJson.Write(rules);
        var read = AccessPolicyJson.Read(json);

        Assert.Equal(rules, read);
        Assert.Equal(json, AccessPolicyJson.Write(read));
        Assert.Contains("\"actions\":[\"read\",\"build\",\"cancel\"]", json, StringComparison.Ordinal);
        Assert.Equal(rules, AccessPolicyJson.Read(AccessPolicyJson.Write(rules, indented: true)));
    }

    [Fact]
    public void An_empty_rule_list_is_a_policy_that_allows_nothing()
        => Assert.Empty(AccessPolicyJson.Read("{\"rules\":[]}"));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("not json", "not valid")]
    [InlineData("{}", "no \"rules\"")]
    [InlineData("{\"rules\":null}", "no \"rules\"")]
    [InlineData("{\"rules\":[null]}", "Rule 1 is null")]
    [InlineData("{\"rules\":[{\"who\":\"*\",\"items\":\"**\",\"actions\":[\"read\",\"deploy\"]}]}", "'deploy' is not an action")]
    [InlineData("{\"rules\":[{\"who\":\"*\",\"items\":\"**\",\"actions\":[\"Read\"]}]}", "'Read' is not an action")]
    [InlineData("{\"rules\":[{\"who\":\"*\",\"items\":\"**\",\"actions\":[]}]}", "allows no action")]
    [InlineData("{\"rules\":[{\"who\":\"*\",\"items\":\"\",\"actions\":[\"read\"]}]}", "pattern is empty")]
    [InlineData("{\"rules\":[{\"who\":\"*\",\"items\":\"team-*\",\"actions\":[\"read\"]}]}", "'*' inside a name")]
    [InlineData("{\"rules\":[{\"who\":\"team-a\",\"items\":\"**\",\"actions\":[\"read\"]}]}", "names nobody")]
    [InlineData("{\"rules\":[{\"who\":\"group:\",\"items\":\"**\",\"actions\":[\"read\"]}]}", "group name")]
    [InlineData("{\"rules\":[{\"who\":\"*\",\"items\":\"**\",\"actions\":[\"read\"],\"deny\":true}]}", "not valid")]
    [InlineData("{\"rules\":[{\"who\":\"*\",\"items\":\"**\",\"actions\":\"read\"}]}", "not valid")]
    public void A_malformed_document_is_refused_naming_the_problem(string json, string problem)
    {
        var error = Assert.Throws<AccessPolicyFormatException>(() => AccessPolicyJson.Read(json));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_second_rule_s_problem_is_named_as_rule_2()
    {
        var error = Assert.Throws<AccessPolicyFormatException>(() => AccessPolicyJson.Read(
            "{\"rules\":[{\"who\":\"*\",\"items\":\"**\",\"actions\":[\"read\"]},{\"who\":\"*\",\"items\":\"a//b\",\"actions\":[\"read\"]}]}"));
        Assert.StartsWith("Rule 2:", error.Message, StringComparison.Ordinal);
    }
}
