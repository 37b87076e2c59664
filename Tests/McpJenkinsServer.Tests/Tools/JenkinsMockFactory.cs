extern alias jenkinsmock;

using Microsoft.Extensions.Logging.Abstractions;

namespace McpAspire.McpJenkinsServer.Tests.Tools;

/// <summary>
/// The real JenkinsMock in process (see <see cref="JenkinsMockFactory{TProgram}"/>), with builds slow enough to be
/// seen queued and running, and the MCP server's own Jenkins client pointed at it with the mock's user and API
/// token (or with wrong ones, to see how refusals read).
/// </summary>
public sealed class JenkinsMockFactory : JenkinsMockFactory<jenkinsmock::Program>
{
    public override string User { get; } = "mcp-bot";

    /// <summary>The version the mock announces in X-Jenkins, so tests can see it travel.</summary>
    public string Version { get; } = "2.999.1";

    protected override IEnumerable<KeyValuePair<string, string>> MockSettings
        => [new("Version", Version), .. DistributedApplicationTestFactory.BriefJenkinsBuilds];

    public JenkinsClient CreateJenkinsClient(string? apiToken = null)
        => new(CreateTokenClient(apiToken), NullLogger<JenkinsClient>.Instance);

    /// <summary>The MCP server's client for a caller the access policy restricts (what a tool call's scope gets).</summary>
    public JenkinsClient CreateJenkinsClient(McpAspire.McpJenkinsServer.Authorization.JenkinsAccess access)
        => new(CreateTokenClient(), NullLogger<JenkinsClient>.Instance, access);

    /// <summary>The MCP server's client as if its Jenkins account were one of the mock's less privileged <see cref="JenkinsMockFactory{TProgram}.Users"/>.</summary>
    public JenkinsClient CreateJenkinsClientAs(string user)
        => new(CreateUserClient(user), NullLogger<JenkinsClient>.Instance);
}
