namespace McpAspire.McpJenkinsServer.Tests.Unit;

public sealed class LogSearchTests
{
    private static readonly string[] Log =
    [
        "Started by user admin",
        "Building in workspace",
        "[INFO] compiling",
        "[ERROR] Foo.java:12 cannot find symbol",
        "[INFO] retrying",
        "[ERROR] tests failed",
        "Finished: FAILURE",
    ];

    [Fact]
    public void Matches_carry_their_line_numbers_and_context()
    {
        var (matches, searched, truncated) = LogSearch.Search(Log, @"\[ERROR\]", ignoreCase: false, contextLines: 1, maxMatches: 10);

        Assert.Equal(7, searched);
        Assert.False(truncated);
        Assert.Collection(matches,
            first =>
            {
                Assert.Equal(4, first.Line);
                Assert.Equal(["[INFO] compiling"], first.Before);
                Assert.Equal(["[INFO] retrying"], first.After);
            },
            second =>
            {
                Assert.Equal(6, second.Line);
                Assert.Equal(["[INFO] retrying"], second.Before);
                Assert.Equal(["Finished: FAILURE"], second.After);
            });
    }

    [Fact]
    public void A_match_at_the_end_keeps_the_context_that_exists()
    {
        var (matches, _, _) = LogSearch.Search(Log, "^Finished", ignoreCase: false, contextLines: 3, maxMatches: 10);

        var match = Assert.Single(matches);
        Assert.Equal(7, match.Line);
        Assert.Equal(3, match.Before.Count);
        Assert.Empty(match.After);
    }

    [Fact]
    public void Case_is_ignored_on_request()
    {
        Assert.Empty(LogSearch.Search(Log, "error", ignoreCase: false, 0, 10).Matches);
        Assert.Equal(2, LogSearch.Search(Log, "error", ignoreCase: true, 0, 10).Matches.Count);
    }

    [Fact]
    public void The_match_count_is_bounded_and_says_so()
    {
        var (matches, _, truncated) = LogSearch.Search(Log, ".", ignoreCase: false, contextLines: 0, maxMatches: 3);

        Assert.Equal(3, matches.Count);
        Assert.True(truncated);
    }

    [Fact]
    public void An_invalid_pattern_is_an_invalid_params_error()
    {
        var error = Assert.Throws<McpProtocolException>(() => LogSearch.Search(Log, "([unclosed", false, 0, 10));
        Assert.Equal(McpErrorCode.InvalidParams, error.ErrorCode);
    }

    [Fact]
    public void A_catastrophic_pattern_times_out_as_a_tool_error_instead_of_hanging()
    {
        var hostile = new string('a', 40_000) + "!";
        var error = Assert.Throws<McpException>(() => LogSearch.Search([hostile], "^(a+)+$", false, 0, 10));
        Assert.IsNotType<McpProtocolException>(error);
        Assert.Contains("took longer", error.Message, StringComparison.Ordinal);
    }
}
