namespace McpAspire.McpJenkinsServer.Tests.Unit;

/// <summary>The WWW-Authenticate Bearer challenge (RFC 6750 section 3) the MCP server answers 401 and 403 with.</summary>
public sealed class BearerChallengeTests
{
    [Fact]
    public void Challenges_quote_and_escape_their_values()
    {
        var header = BearerChallenge.Format([("error", "invalid_token"), ("error_description", "a \"quoted\" \\ word")]);
        Assert.Equal("Bearer error=\"invalid_token\", error_description=\"a \\\"quoted\\\" \\\\ word\"", header);
    }
}
