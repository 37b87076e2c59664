namespace McpAspire.McpJenkinsServer.Tests.Tools;

/// <summary>
/// The MCP server's Jenkins client for a caller who linked their own Jenkins identity, against the real JenkinsMock: every
/// request authenticates as them (the client's default, the server's account, is replaced), Jenkins' own refusals name
/// their account, and a token Jenkins no longer accepts sends them to the link page without falling back.
/// </summary>
public sealed class LinkedIdentityClientTests(JenkinsMockFactory mock) : IClassFixture<JenkinsMockFactory>
{
    private const string LinkPage = "https://auth.example/account/jenkins";

    [Fact]
    public async Task A_linked_users_build_is_started_by_them_in_jenkins_and_who_am_i_is_them()
    {
        var builder = Linked("builder", mock.TokenOf("builder"));
        var admin = mock.CreateJenkinsClient();

        var whoAmI = await builder.WhoAmIAsync(CancellationToken.None);
        var started = await Control(builder).TriggerBuild("backend/platform/inventory-api", wait_for_start: true, wait_seconds: 60);
        var build = await new BuildTools(admin).GetBuild("backend/platform/inventory-api", started.BuildNumber!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal("builder", whoAmI.Name);
        Assert.Equal("builder", builder.LinkedJenkinsUser);
        Assert.Contains("Started by user builder", build.Causes);
        Assert.DoesNotContain("Started by user mcp-bot", build.Causes);
        await Control(admin).StopBuild("backend/platform/inventory-api", started.BuildNumber!.Value);
    }

    [Fact]
    public async Task Jenkins_refusing_the_linked_user_is_a_tool_error_naming_their_own_account()
    {
        var reader = Linked("reader", mock.TokenOf("reader"));

        var error = await Assert.ThrowsAsync<JenkinsException>(() => Control(reader).TriggerBuild("nightly-db-backup"));

        Assert.Equal(JenkinsError.PermissionDenied, error.Error);
        Assert.StartsWith("Your Jenkins account 'reader' lacks the Job/Build permission (hudson.model.Item.Build)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_linked_token_jenkins_no_longer_accepts_tells_the_user_to_link_again_and_never_uses_the_server_account()
    {
        const string Revoked = "0123456789abcdef0123456789abcdef";
        var revoked = Linked("builder", Revoked);

        var error = await Assert.ThrowsAsync<JenkinsException>(() => new JobTools(revoked).GetJob("nightly-db-backup"));

        Assert.Equal(JenkinsError.CredentialsRejected, error.Error);
        Assert.Contains("Jenkins no longer accepts the API token you linked for Jenkins user 'builder'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Link a new one at {LinkPage}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Revoked, error.Message, StringComparison.Ordinal);
    }

    /// <summary>The client a tool call of a user who linked <paramref name="user"/> gets (the policy left out: it reads everything).</summary>
    private JenkinsClient Linked(string user, string token)
    {
        var access = JenkinsAccess.Unrestricted;
        access.RunAs(new LinkedJenkinsCredential(user, token, LinkPage));
        return mock.CreateJenkinsClient(access);
    }

    private static BuildControlTools Control(JenkinsClient jenkins) => new(jenkins, new BuildLauncher(jenkins, TimeProvider.System));
}
