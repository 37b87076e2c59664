using System.Security.Claims;
using Amazon.DynamoDBv2.Model;
using McpAspire.AccessPolicy.JenkinsIdentity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace McpAspire.McpJenkinsServer.Tests.AccessPolicy;

/// <summary>The call-tool filter that applies the policy: read per call, write actions refused, failures closed.</summary>
public sealed class EnforceAccessPolicyTests : IAsyncDisposable
{
    private static readonly JenkinsAction[] ReadOnly = [JenkinsAction.Read];
    private static readonly JenkinsAction[] ReadBuild = [JenkinsAction.Read, JenkinsAction.Build];
    private static readonly string[] TeamA = ["team-a"];

    private readonly McpServer _server;
    private readonly ServiceProvider _services = new ServiceCollection().AddScoped<JenkinsAccess>().BuildServiceProvider();
    private readonly FakeStore _store = new();
    private readonly EnforceAccessPolicy _filter;

    public EnforceAccessPolicyTests()
    {
        var tools = new McpServerPrimitiveCollection<McpServerTool>
        {
            McpServerTool.Create(() => "job", new McpServerToolCreateOptions { Name = "get_job", ReadOnly = true }),
            McpServerTool.Create(() => "triggered", new McpServerToolCreateOptions { Name = "trigger_build", ReadOnly = false }),
            McpServerTool.Create(() => "new", new McpServerToolCreateOptions { Name = "brand_new_tool", ReadOnly = true }),
        };
        _server = McpServer.Create(new StreamServerTransport(Stream.Null, Stream.Null), new McpServerOptions { ToolCollection = tools });
        _filter = new EnforceAccessPolicy(_store, NullLogger<EnforceAccessPolicy>.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task A_build_on_a_readable_job_without_a_granting_rule_is_refused_naming_action_item_and_groups_and_never_runs()
    {
        _store.Policy = new AccessPolicyDocument(2,
        [
            new AccessRule(Subject.Group("team-a"), ItemPattern.Parse("team-a/**"), ReadOnly),
            new AccessRule(Subject.Group("secret-team"), ItemPattern.Parse("team-a/**"), ReadBuild),
        ]);
        var ran = false;

        var refusal = await Assert.ThrowsAsync<JenkinsAccessDeniedException>(() => _filter.InvokeAsync(
            (_, _) => { ran = true; return ValueTask.FromResult(new CallToolResult()); },
            Context("trigger_build", "team-a/app", User("alice", TeamA)), CancellationToken.None).AsTask());

        Assert.False(ran);
        Assert.IsAssignableFrom<McpException>(refusal);
        Assert.Equal(
            "Refused by the Jenkins access policy: no rule grants build on 'team-a/app' to user 'alice' (groups: team-a). " +
            "Ask an administrator of the MCP server's authorization server to grant it.",
            refusal.Message);
        Assert.DoesNotContain("secret-team", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_granted_build_runs_and_the_deciding_rule_is_kept_for_the_audit()
    {
        _store.Policy = new AccessPolicyDocument(3, [new AccessRule(Subject.Group("team-a"), ItemPattern.Parse("team-a/**"), ReadBuild)]);
        var context = Context("trigger_build", "/team-a/app/", User("alice", TeamA));

        await _filter.InvokeAsync((_, _) => ValueTask.FromResult(new CallToolResult()), context, CancellationToken.None);

        Assert.Equal("allow build on 'team-a/app' (rule 1: group:team-a → team-a/** → read, build)",
            context.Services!.GetRequiredService<JenkinsAccess>().AuditText);
    }

    [Fact]
    public async Task A_build_on_a_job_the_caller_may_not_read_goes_on_to_the_tool_whose_first_request_answers_not_found()
    {
        _store.Policy = new AccessPolicyDocument(4, [new AccessRule(Subject.Group("team-a"), ItemPattern.Parse("team-a/**"), ReadBuild)]);
        var context = Context("trigger_build", "team-b/app", User("alice", TeamA));
        var ran = false;

        await _filter.InvokeAsync((_, _) => { ran = true; return ValueTask.FromResult(new CallToolResult()); }, context, CancellationToken.None);

        Assert.True(ran);
        var access = context.Services!.GetRequiredService<JenkinsAccess>();
        var notFound = Assert.Throws<Services.JenkinsException>(() => access.EnsureReadable("team-b/app", "Job 'team-b/app'"));
        Assert.Equal("Job 'team-b/app' was not found in Jenkins. Check the name with list_jobs (full names use '/' between folders).", notFound.Message);
    }

    [Fact]
    public async Task The_policy_is_read_at_every_call_so_a_change_applies_to_the_next_one()
    {
        _store.Policy = new AccessPolicyDocument(5, [new AccessRule(Subject.Group("team-a"), ItemPattern.Parse("team-a/**"), ReadBuild)]);
        await _filter.InvokeAsync((_, _) => ValueTask.FromResult(new CallToolResult()), Context("trigger_build", "team-a/app", User("alice", TeamA)), CancellationToken.None);

        _store.Policy = new AccessPolicyDocument(6, [new AccessRule(Subject.Group("team-a"), ItemPattern.Parse("team-a/**"), ReadOnly)]);
        await Assert.ThrowsAsync<JenkinsAccessDeniedException>(() => _filter.InvokeAsync(
            (_, _) => ValueTask.FromResult(new CallToolResult()), Context("trigger_build", "team-a/app", User("alice", TeamA)), CancellationToken.None).AsTask());

        Assert.Equal(2, _store.Reads);
    }

    [Fact]
    public async Task A_malformed_or_unreadable_policy_refuses_the_call_never_lets_it_through()
    {
        var ran = false;
        _store.Failure = new AccessPolicyFormatException("Rule 1: 'deploy' is not an action.");
        await Assert.ThrowsAsync<AccessPolicyUnavailableException>(() => _filter.InvokeAsync(
            (_, _) => { ran = true; return ValueTask.FromResult(new CallToolResult()); }, Context("get_job", "team-a/app", User("alice", TeamA)), CancellationToken.None).AsTask());

        _store.Failure = new ResourceNotFoundException("Requested resource not found");
        await Assert.ThrowsAsync<AccessPolicyUnavailableException>(() => _filter.InvokeAsync(
            (_, _) => { ran = true; return ValueTask.FromResult(new CallToolResult()); }, Context("get_job", "team-a/app", User("alice", TeamA)), CancellationToken.None).AsTask());

        Assert.False(ran);
    }

    [Fact]
    public async Task A_registered_tool_without_an_access_mapping_is_refused()
    {
        var ran = false;
        await Assert.ThrowsAsync<McpException>(() => _filter.InvokeAsync(
            (_, _) => { ran = true; return ValueTask.FromResult(new CallToolResult()); }, Context("brand_new_tool", null, User("alice", TeamA)), CancellationToken.None).AsTask());
        Assert.False(ran);
    }

    [Fact]
    public void A_user_s_groups_come_one_claim_each_and_a_machine_client_is_no_user()
    {
        var user = EnforceAccessPolicy.CallerOf(User("alice", ["ops", "team-a", "ops"]));
        var identity = new ClaimsIdentity("Bearer");
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Subject, "robot"));
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.ClientId, "robot"));
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Name, "alice"));
        var machine = EnforceAccessPolicy.CallerOf(new ClaimsPrincipal(identity));

        Assert.Equal("alice", user.UserName);
        Assert.Equal(["ops", "team-a"], user.Groups);
        Assert.Null(machine.UserName);
        Assert.Empty(machine.Groups);
    }

    [Fact]
    public async Task A_user_with_a_linked_identity_runs_as_it_read_with_the_policy_in_one_call()
    {
        var protector = StoreLinkWithNewRing("alice-subject", "alice.jenkins");
        var context = Context("get_job", "team-a/app", User("alice", TeamA, "alice-subject"));

        await Linking(protector).InvokeAsync((_, _) => ValueTask.FromResult(new CallToolResult()), context, CancellationToken.None);

        var access = context.Services!.GetRequiredService<JenkinsAccess>();
        Assert.Equal("alice.jenkins", access.RunsAs?.User);
        Assert.Equal(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("alice.jenkins:" + Token)), access.RunsAs?.Authorization.Parameter);
        Assert.Equal(LinkPage.AbsoluteUri, access.RunsAs?.LinkPage);
        Assert.Equal("Jenkins as linked user 'alice.jenkins'; policy applied", access.AuditText);
        Assert.DoesNotContain(Token, access.AuditText + access.RunsAs, StringComparison.Ordinal);
        Assert.Equal(["alice-subject"], _store.ReadsWithIdentity);
        Assert.Equal(1, _store.Reads);
    }

    [Fact]
    public async Task A_machine_client_and_a_user_without_a_link_run_as_the_server_account()
    {
        var protector = StoreLinkWithNewRing("robot", "robot.jenkins");
        var machine = Context("get_job", "team-a/app", Machine("robot"));
        var unlinked = Context("get_job", "team-a/app", User("bob", TeamA, "bob-subject"));

        await Linking(protector).InvokeAsync((_, _) => ValueTask.FromResult(new CallToolResult()), machine, CancellationToken.None);
        await Linking(protector).InvokeAsync((_, _) => ValueTask.FromResult(new CallToolResult()), unlinked, CancellationToken.None);

        Assert.Null(machine.Services!.GetRequiredService<JenkinsAccess>().RunsAs);
        Assert.Null(unlinked.Services!.GetRequiredService<JenkinsAccess>().RunsAs);
        // The machine's call read the policy alone (no identity is looked up for a client-credentials token).
        Assert.Equal(["bob-subject"], _store.ReadsWithIdentity);
        Assert.Equal(2, _store.Reads);
    }

    [Fact]
    public async Task A_linked_token_that_cannot_be_decrypted_refuses_the_call_naming_the_link_page_never_falls_back()
    {
        StoreLinkWithNewRing("carol-subject", "carol");
        var context = Context("get_job", "team-a/app", User("carol", TeamA, "carol-subject"));
        var ran = false;

        var refusal = await Assert.ThrowsAsync<McpException>(() => Linking(new JenkinsTokenProtector(new EphemeralDataProtectionProvider())).InvokeAsync(
            (_, _) => { ran = true; return ValueTask.FromResult(new CallToolResult()); }, context, CancellationToken.None).AsTask());

        Assert.False(ran);
        Assert.Null(context.Services!.GetRequiredService<JenkinsAccess>().RunsAs);
        Assert.Contains($"Link it again at {LinkPage.AbsoluteUri}", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("'carol'", refusal.Message, StringComparison.Ordinal);
    }

    private const string Token = "0123456789abcdef0123456789abcdef";

    private static readonly Uri LinkPage = new("https://auth.example/account/jenkins");

    /// <summary>
    /// Puts a link in the store for the subject, its Jenkins token encrypted with a new key ring, and returns that ring
    /// (the filter given another ring cannot decrypt it).
    /// </summary>
    private JenkinsTokenProtector StoreLinkWithNewRing(string subject, string jenkinsUser)
    {
        var ring = new JenkinsTokenProtector(new EphemeralDataProtectionProvider());
        _store.Linked = new LinkedJenkinsIdentity(subject, jenkinsUser, ring.Protect(subject, jenkinsUser, Token), DateTimeOffset.UtcNow);
        return ring;
    }

    private EnforceAccessPolicy Linking(JenkinsTokenProtector protector)
        => new(_store, NullLogger<EnforceAccessPolicy>.Instance, protector, Options.Create(new Model.JenkinsOptions { LinkPageUrl = LinkPage }));

    private static ClaimsPrincipal Machine(string clientId)
    {
        var identity = new ClaimsIdentity("Bearer");
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Subject, clientId));
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.ClientId, clientId));
        return new ClaimsPrincipal(identity);
    }

    private static ClaimsPrincipal User(string name, string[] groups, string? subject = null)
    {
        var identity = new ClaimsIdentity("Bearer");
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Subject, subject ?? Guid.NewGuid().ToString()));
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.ClientId, "client"));
        identity.AddClaim(new Claim(OpenIddictConstants.Claims.Username, name));
        foreach (var group in groups)
        {
            identity.AddClaim(new Claim(EnforceAccessPolicy.GroupsClaim, group));
        }

        return new ClaimsPrincipal(identity);
    }

    private RequestContext<CallToolRequestParams> Context(string tool, string? job, ClaimsPrincipal user)
    {
        var arguments = job is null ? new Dictionary<string, JsonElement>() : new Dictionary<string, JsonElement> { ["job"] = JsonSerializer.SerializeToElement(job) };
        return new RequestContext<CallToolRequestParams>(_server, new JsonRpcRequest { Method = RequestMethods.ToolsCall }, new CallToolRequestParams { Name = tool, Arguments = arguments })
        {
            User = user,
            Services = _services.CreateScope().ServiceProvider,
        };
    }

    private sealed class FakeStore : IAccessPolicyStore
    {
        public AccessPolicyDocument Policy { get; set; } = AccessPolicyDocument.Default;

        public Exception? Failure { get; set; }

        public int Reads { get; private set; }

        /// <summary>The linked identity of <see cref="LinkedSubject"/>, returned with the policy.</summary>
        public LinkedJenkinsIdentity? Linked { get; set; }

        public string? LinkedSubject => Linked?.Subject;

        /// <summary>The subjects the policy was read with (one entry per call of <see cref="ReadWithIdentityAsync"/>).</summary>
        public List<string> ReadsWithIdentity { get; } = [];

        public Task<AccessPolicyDocument> ReadAsync(CancellationToken cancellationToken)
        {
            Reads++;
            return Failure is null ? Task.FromResult(Policy) : Task.FromException<AccessPolicyDocument>(Failure);
        }

        public async Task<(AccessPolicyDocument Policy, LinkedJenkinsIdentity? Identity)> ReadWithIdentityAsync(string subject, CancellationToken cancellationToken)
        {
            ReadsWithIdentity.Add(subject);
            var policy = await ReadAsync(cancellationToken);
            return (policy, subject == LinkedSubject ? Linked : null);
        }

        public Task<AccessPolicyDocument> SaveAsync(IReadOnlyList<AccessRule> rules, long expectedVersion, string updatedBy, CancellationToken cancellationToken)
            => throw new NotSupportedException();
    }
}
