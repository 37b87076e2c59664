namespace McpAspire.McpJenkinsServer.Tests.AccessPolicy;

/// <summary>Rule evaluation: who a rule is for, deny by default, the default policy, which rule decides.</summary>
public sealed class AccessDeciderTests
{
    private static readonly JenkinsAction[] ReadBuild = [JenkinsAction.Read, JenkinsAction.Build];
    private static readonly JenkinsAction[] ReadOnly = [JenkinsAction.Read];
    private static readonly JenkinsAction[] CancelOnly = [JenkinsAction.Cancel];

    private static readonly AccessPolicyDocument Policy = new(7,
    [
        new AccessRule(Subject.Group("team-a"), ItemPattern.Parse("team-a/**"), ReadBuild),
        new AccessRule(Subject.User("Carol"), ItemPattern.Parse("team-b/deploy"), ReadBuild),
        new AccessRule(Subject.Everyone, ItemPattern.Parse("shared/*"), ReadOnly),
        new AccessRule(Subject.Group("ops"), ItemPattern.Parse("**"), CancelOnly),
    ]);

    [Fact]
    public void A_group_member_may_do_what_the_groups_rule_grants_and_nothing_else()
    {
        var alice = new AccessDecider(Policy, new AccessCaller("alice", ["team-a"]));

        Assert.True(alice.Decide(JenkinsAction.Build, "team-a/app").Allowed);
        Assert.Equal(1, alice.Decide(JenkinsAction.Build, "team-a/app").RuleNumber);
        Assert.False(alice.Decide(JenkinsAction.Cancel, "team-a/app").Allowed);
        Assert.False(alice.Decide(JenkinsAction.Read, "team-ab/app").Allowed);
        Assert.False(alice.Decide(JenkinsAction.Read, "team-b/deploy").Allowed);
        Assert.True(alice.Decide(JenkinsAction.Read, "shared/readme").Allowed);
        Assert.False(alice.Decide(JenkinsAction.Build, "shared/readme").Allowed);
    }

    [Fact]
    public void Group_names_compare_exactly_and_user_names_ignoring_case()
    {
        Assert.False(new AccessDecider(Policy, new AccessCaller("bob", ["Team-A"])).CanRead("team-a/app"));
        Assert.True(new AccessDecider(Policy, new AccessCaller("carol", [])).Decide(JenkinsAction.Build, "team-b/deploy").Allowed);
        Assert.False(new AccessDecider(Policy, new AccessCaller("carol2", [])).CanRead("team-b/deploy"));
    }

    [Fact]
    public void Any_of_several_groups_grants_and_the_first_granting_rule_is_named()
    {
        var dave = new AccessDecider(Policy, new AccessCaller("dave", ["ops", "team-a"]));

        var cancel = dave.Decide(JenkinsAction.Cancel, "team-a/app");
        Assert.Equal(4, cancel.RuleNumber);
        Assert.Contains("rule 4: group:ops → ** → cancel", cancel.Describe(), StringComparison.Ordinal);
        Assert.Equal(1, dave.Decide(JenkinsAction.Read, "team-a/app").RuleNumber);
    }

    [Fact]
    public void Without_a_rule_for_the_caller_everything_is_denied_even_reading()
    {
        var stranger = new AccessDecider(Policy, new AccessCaller("eve", ["nobody"]));
        var machine = new AccessDecider(Policy, AccessCaller.Anonymous);

        Assert.False(stranger.CanRead("team-a/app"));
        Assert.False(stranger.CanSee("team-a"));
        Assert.True(stranger.CanSee("shared"));
        Assert.False(stranger.ReadsEverything);
        Assert.False(machine.CanRead("team-b/deploy"));
        Assert.False(new AccessDecider(new AccessPolicyDocument(3, []), new AccessCaller("admin", ["admins"])).CanRead("anything"));
    }

    [Fact]
    public void The_default_policy_lets_everyone_do_everything_as_before_policies_existed()
    {
        var anyone = new AccessDecider(AccessPolicyDocument.Default, AccessCaller.Anonymous);

        Assert.False(AccessPolicyDocument.Default.IsStored);
        Assert.Equal(0, AccessPolicyDocument.Default.Version);
        Assert.Equal("* → ** → read, build, cancel, replay", Assert.Single(AccessPolicyDocument.Default.Rules).ToString());
        Assert.True(anyone.ReadsEverything);
        Assert.All(JenkinsActions.All, action => Assert.True(anyone.Decide(action, "deep/folder/job").Allowed));
        Assert.True(anyone.CanRead(null));
    }

    [Fact]
    public void An_item_without_a_name_is_readable_only_under_a_rule_for_everything()
        => Assert.False(new AccessDecider(Policy, new AccessCaller("alice", ["team-a"])).CanRead(null));

    [Fact]
    public void A_folder_holding_readable_items_is_seen_but_not_read()
    {
        var policy = new AccessPolicyDocument(1, [new AccessRule(Subject.Group("g"), ItemPattern.Parse("team-a/apps/*"), ReadOnly)]);
        var member = new AccessDecider(policy, new AccessCaller("m", ["g"]));

        Assert.True(member.CanSee("team-a"));
        Assert.True(member.CanSee("team-a/apps"));
        Assert.False(member.CanRead("team-a/apps"));
        Assert.True(member.CanRead("team-a/apps/web"));
        Assert.False(member.CanSee("team-a/other"));
    }
}
