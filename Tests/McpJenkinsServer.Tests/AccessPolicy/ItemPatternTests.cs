namespace McpAspire.McpJenkinsServer.Tests.AccessPolicy;

/// <summary>The matching semantics of item patterns (docs/mcp-server.md, "Access policy"), edge by edge.</summary>
public sealed class ItemPatternTests
{
    [Theory]
    [InlineData("team-a/**", "team-a", true)]
    [InlineData("team-a/**", "team-a/app", true)]
    [InlineData("team-a/**", "team-a/x/y/z", true)]
    [InlineData("team-a/**", "team-ab", false)]
    [InlineData("team-a/**", "team-ab/x", false)]
    [InlineData("team-a/**", "Team-A/app", false)]
    [InlineData("team-a/**", "other/team-a/app", false)]
    [InlineData("team-a/*", "team-a/app", true)]
    [InlineData("team-a/*", "team-a", false)]
    [InlineData("team-a/*", "team-a/x/y", false)]
    [InlineData("team-a/*", "team-ab/x", false)]
    [InlineData("team-a", "team-a", true)]
    [InlineData("team-a", "team-a/app", false)]
    [InlineData("team-a", "team-ab", false)]
    [InlineData("team-a", "TEAM-A", false)]
    [InlineData("**", "anything/at/all", true)]
    [InlineData("**", "top", true)]
    [InlineData("*", "top", true)]
    [InlineData("*", "folder/job", false)]
    [InlineData("shop/feature%2Fcheckout", "shop/feature%2Fcheckout", true)]
    [InlineData("shop/feature%2Fcheckout", "shop/feature/checkout", false)]
    [InlineData("shop/*", "shop/feature%2Fcheckout", true)]
    [InlineData("a/b/**", "a/b/c", true)]
    [InlineData("a/b/**", "a/bc", false)]
    public void A_pattern_matches_whole_segments_case_sensitively(string pattern, string fullName, bool matches)
        => Assert.Equal(matches, ItemPattern.Parse(pattern).Matches(fullName));

    [Theory]
    [InlineData("team-a/*", "team-a", true)]
    [InlineData("team-a/*", "team-ab", false)]
    [InlineData("team-a/apps/web", "team-a", true)]
    [InlineData("team-a/apps/web", "team-a/apps", true)]
    [InlineData("team-a/apps/web", "team-a/apps/web", false)]
    [InlineData("team-a/**", "team-a/deep/folder", true)]
    [InlineData("team-a/**", "team-b", false)]
    [InlineData("team-a/*", "team-a/x", false)]
    [InlineData("*", "folder", false)]
    [InlineData("**", "folder", true)]
    public void A_folder_on_the_way_to_covered_items_is_reached(string pattern, string folder, bool reaches)
        => Assert.Equal(reaches, ItemPattern.Parse(pattern).ReachesBelow(folder));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("team-*", "'*' inside a name")]
    [InlineData("*/app", "'*' inside a name")]
    [InlineData("team-a/**/app", "'*' inside a name")]
    [InlineData("/team-a", "empty segment")]
    [InlineData("team-a/", "empty segment")]
    [InlineData("team-a//app", "empty segment")]
    [InlineData("team-a/../b", "'..' segment")]
    [InlineData(" team-a", "spaces around it")]
    [InlineData("team\u0001a", "control characters")]
    public void A_malformed_pattern_is_refused_saying_why(string pattern, string reason)
    {
        Assert.False(ItemPattern.TryParse(pattern, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
