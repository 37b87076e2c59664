namespace McpAspire.McpJenkinsServer.Tests.Unit;

public sealed class JenkinsPathsTests
{
    [Theory]
    [InlineData("app", "job/app/")]
    [InlineData("team/app", "job/team/job/app/")]
    [InlineData("/team/app/", "job/team/job/app/")]
    [InlineData("team/my app", "job/team/job/my%20app/")]
    [InlineData("a/b#c", "job/a/job/b%23c/")]
    public void Folder_paths_become_nested_job_segments(string fullName, string expected)
        => Assert.Equal(expected, JenkinsPaths.JobPath(fullName));

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("team//app")]
    [InlineData("team/../admin")]
    [InlineData("./app")]
    public void Names_Jenkins_cannot_have_are_invalid_params(string fullName)
    {
        var error = Assert.Throws<McpProtocolException>(() => JenkinsPaths.JobPath(fullName));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
    }

    [Theory]
    [InlineData("http://jenkins:8080/job/team/job/app/", "team/app")]
    [InlineData("http://jenkins/prefix/job/a%20b/", "a b")]
    [InlineData("job/x/job/y/", "x/y")]
    [InlineData("http://jenkins/computer/(built-in)/", null)]
    [InlineData(null, null)]
    public void Full_names_are_read_back_from_Jenkins_urls(string? url, string? expected)
        => Assert.Equal(expected, JenkinsPaths.FullNameFromUrl(url));

    [Fact]
    public void The_root_folder_is_the_empty_path()
    {
        Assert.Equal("", JenkinsPaths.FolderPath(null));
        Assert.Equal("", JenkinsPaths.FolderPath(""));
        Assert.Equal("", JenkinsPaths.Normalize(" / "));
    }

    [Theory]
    [InlineData("http://jenkins/queue/item/42/", 42L)]
    [InlineData("http://jenkins/queue/item/7", 7L)]
    [InlineData("http://jenkins/job/app/", null)]
    public void Queue_item_ids_are_read_from_the_location_header(string location, long? expected)
        => Assert.Equal(expected, JenkinsClient.QueueIdFrom(new Uri(location)));

    [Theory]
    [InlineData("12", "job/app/12/")]
    [InlineData("lastBuild", "job/app/lastBuild/")]
    [InlineData("lastSuccessfulBuild", "job/app/lastSuccessfulBuild/")]
    public void Builds_are_numbers_or_permalinks(string build, string expected)
        => Assert.Equal(expected, JenkinsClient.BuildPath("app", build));

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("latest")]
    [InlineData("1/../../script")]
    public void Anything_else_is_not_a_build(string build)
    {
        var error = Assert.Throws<McpProtocolException>(() => JenkinsClient.BuildPath("app", build));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
    }
}
