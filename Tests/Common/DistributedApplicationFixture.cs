using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace McpAspire.Tests.Common;

/// <summary>
/// The whole AppHost (in-memory DynamoDB Local, JenkinsMock, auth server, MCP server), started once per test
/// assembly as an xUnit collection or assembly fixture, with random secrets the tests know. Each test project that uses it
/// has one sealed fixture and declares the collection (McpAspireAppFixture in McpJenkinsServer.Tests,
/// RunningSystemFixture in TokenTooling.Tests; AuthServer.Tests makes its AuthServerFixture an assembly fixture
/// instead, so its classes run in parallel; AppHost.Tests' tests run on an app of replicas, ReplicasFixture in
/// Tests/AppHost.Tests/Replicas, and use only this class's resource and client names):
/// <code>
/// public sealed class McpAspireAppFixture() : DistributedApplicationFixture(typeof(apphost::Projects.AppHost));
///
/// [CollectionDefinition(DistributedApplicationFixture.Collection)]
/// public sealed class WholeAppHostGroup : ICollectionFixture&lt;McpAspireAppFixture&gt;;
/// </code>
/// A test class joins the collection and takes that fixture; it never starts an AppHost of its own:
/// <code>
/// [Collection(DistributedApplicationFixture.Collection)]
/// public sealed class MySecurityTests(McpAspireAppFixture app)
/// {
///     [Fact]
///     public async Task Something()
///     {
///         // Base address set, no redirects followed, no cookies unless keepCookies: true.
///         using var auth = app.CreateHttpClient(DistributedApplicationFixture.AuthServer);
///         using var mcp = app.CreateHttpClient(DistributedApplicationFixture.McpServer);
///         // app.AdminUserName, app.AdminPassword: the seeded user. app.IntrospectionClientId,
///         // app.IntrospectionSecret: the MCP server's client at the auth server. app.McpUrl (Uri) and
///         // app.McpResource (string): the MCP resource, http://localhost:port/mcp. app.AuthServerUrl: the
///         // issuer. app.App: the DistributedApplication (endpoints, resource notifications and commands).
///     }
/// }
/// </code>
/// Tests share this one app, so each makes its own data (its own clients, users, jobs) and changes nothing others
/// rely on; the classes of the collection run one after another (AuthServer.Tests': side by side). Each <see cref="CreateHttpClient"/> client is a
/// client address of its own (X-Forwarded-For from loopback, which the services trust as their TLS proxy), so the
/// auth server's per-address rate limits and login throttle count that client's requests only: a test that
/// wants to reach a limit sends from one client. Settings the app cannot change for one test alone (lower
/// limits, other origins) belong in an in-process server (AuthServer.Tests' InProcessAuthServer).
/// </summary>
public abstract class DistributedApplicationFixture(Type appHost) : IAsyncLifetime
{
    /// <summary>The name of the collection every test class of an assembly that uses the whole AppHost joins.</summary>
    public const string Collection = "Whole AppHost";

    public const string AuthServer = "auth-server";

    public const string McpServer = "mcp-server";

    public const string AdminUserName = "admin";

    /// <summary>The MCP server's confidential client at the auth server (it authenticates introspection).</summary>
    public const string IntrospectionClientId = "mcp-server";

    private static int s_lastClientAddress;

    private DistributedApplication? _app;

    /// <summary>
    /// Punctuation, a space and a letter outside ASCII included, so every form encoding of the password (the browser's,
    /// HttpClient's, get_fresh_token.sh's byte-wise one) is exercised for real.
    /// </summary>
    public string AdminPassword { get; } = DistributedApplicationTestFactory.RandomSecret() + "&+=% xé";

    public string IntrospectionSecret { get; } = DistributedApplicationTestFactory.RandomSecret();

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    /// <summary>The issuer the auth server publishes (its public URL, as OpenIddict normalises it: with a trailing slash).</summary>
    public Uri AuthServerUrl { get; private set; } = null!;

    /// <summary>The MCP server's URL, the only thing an MCP client is told: also the canonical resource URI tokens are issued for.</summary>
    public Uri McpUrl { get; private set; } = null!;

    /// <summary><see cref="McpUrl"/> exactly as the auth server compares resources (<see cref="Uri.AbsoluteUri"/>).</summary>
    public string McpResource => McpUrl.AbsoluteUri;

    /// <summary>
    /// People of JenkinsMock besides the MCP server's account (the AppHost's <c>JenkinsMock:Users</c>), for users who link
    /// their own Jenkins identity: <see cref="JenkinsDeveloper"/> may read, build and cancel everywhere;
    /// <see cref="JenkinsReader"/> may only read. Their API tokens are random per app (<see cref="JenkinsTokenOf"/>).
    /// </summary>
    public const string JenkinsDeveloper = "jenkins-dev";

    /// <inheritdoc cref="JenkinsDeveloper"/>
    public const string JenkinsReader = "jenkins-reader";

    private static readonly Dictionary<string, string[]> JenkinsPeople = new()
    {
        [JenkinsDeveloper] = ["Overall/Read", "Job/Read", "Job/Build", "Job/Cancel", "Run/Update"],
        [JenkinsReader] = ["Overall/Read", "Job/Read"],
    };

    private readonly Dictionary<string, string> _jenkinsTokens = JenkinsPeople.Keys.ToDictionary(
        name => name, _ => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));

    /// <summary>The Jenkins API token of <see cref="JenkinsDeveloper"/> or <see cref="JenkinsReader"/> (32 hex digits, like Jenkins').</summary>
    public string JenkinsTokenOf(string jenkinsUser) => _jenkinsTokens[jenkinsUser];

    /// <summary>Builds the AppHost with this fixture's secrets, <see cref="Arguments"/> and <see cref="Configure"/>, starts it and waits until every resource is healthy.</summary>
    public async ValueTask InitializeAsync()
    {
        var people = JenkinsPeople.Select((person, index) => (person, index)).SelectMany(entry => (string[])
        [
            $"JenkinsMock:Users:{entry.index}:Name={entry.person.Key}",
            $"JenkinsMock:Users:{entry.index}:ApiToken={_jenkinsTokens[entry.person.Key]}",
            .. entry.person.Value.Select((permission, p) => $"JenkinsMock:Users:{entry.index}:Permissions:{p}={permission}"),
        ]);
        var builder = await DistributedApplicationTestFactory.CreateAsync(appHost, AdminPassword, IntrospectionSecret, [.. people, .. Arguments]);
        var added = Configure(builder);
        _app = await DistributedApplicationTestFactory.StartAsync(builder, [.. DistributedApplicationTestFactory.ResourceNames, .. added]);
        AuthServerUrl = _app.GetEndpoint(AuthServer, "http");
        McpUrl = new Uri(_app.GetEndpoint(McpServer, "http"), "/mcp");
    }

    /// <summary>More AppHost configuration (<c>key=value</c>) for a fixture whose app differs from the default one.</summary>
    protected virtual IEnumerable<string> Arguments => [];

    /// <summary>Changes the app before it starts (e.g. adds a resource); returns the names of added resources to await.</summary>
    protected virtual IEnumerable<string> Configure(IDistributedApplicationTestingBuilder builder) => [];

    /// <summary>
    /// A client of <paramref name="resourceName"/> (its http endpoint as base address) that follows no redirects,
    /// so tests see each one, and keeps cookies only when asked (like one browser, for sign-in and consent forms).
    /// </summary>
    public HttpClient CreateHttpClient(string resourceName, bool keepCookies = false)
    {
        return new HttpClient(WithOwnClientAddress(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = keepCookies }))
        {
            BaseAddress = App.GetEndpoint(resourceName, "http"),
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>
    /// <paramref name="inner"/>, marking every request it sends as forwarded for a test address of its own
    /// (198.18.0.0/15; the services trust forwarding from loopback in Development): each client then has the per-address
    /// rate limits to itself, however many tests sign in within the same minute.
    /// </summary>
    public static HttpMessageHandler WithOwnClientAddress(HttpMessageHandler inner)
    {
        var n = Interlocked.Increment(ref s_lastClientAddress);
        return new ClientAddressHandler($"198.18.{(n >> 8) & 0xFF}.{n & 0xFF}", inner);
    }

    /// <summary>
    /// Ends a service's process tree and waits until the AppHost sees it gone. Not the dashboard's stop command:
    /// Aspire runs projects under `dotnet run`, and on these machines the command's interrupt reaches only
    /// `dotnet run`, which leaves the server itself running.
    /// </summary>
    public async Task KillAsync(string resourceName, CancellationToken cancellationToken)
    {
        var running = await App.ResourceNotifications.WaitForResourceAsync(
            resourceName, update => DistributedApplicationTestFactory.ProcessIdOf(update.Snapshot) is not null, cancellationToken);
        DistributedApplicationTestFactory.EndProcessTree(DistributedApplicationTestFactory.ProcessIdOf(running.Snapshot)!.Value);

        await App.ResourceNotifications.WaitForResourceAsync(resourceName, KnownResourceStates.TerminalStates, cancellationToken);
    }

    /// <summary>Starts a stopped service again (the dashboard's start command) and waits until it is healthy.</summary>
    public Task RestartAsync(string resourceName, CancellationToken cancellationToken)
        => DistributedApplicationTestFactory.StartAgainAsync(App, resourceName, cancellationToken);

    /// <summary>
    /// Hands each of <paramref name="resourceName"/>'s log lines to <paramref name="onLine"/> (as the dashboard shows them,
    /// earlier ones first, then as they come) until <paramref name="stop"/>; <c>LogWatch</c> (Tests/Common) is the way tests use it.
    /// Logs are kept per running instance (the AppHost runs projects as replicas), not under the resource's name.
    /// </summary>
    public async Task WatchLogAsync(string resourceName, Action<string> onLine, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(onLine);
        var logs = App.Services.GetRequiredService<ResourceLoggerService>();
        var running = await App.ResourceNotifications.WaitForResourceAsync(resourceName, update => update.Snapshot.State?.Text == KnownResourceStates.Running, stop);
        try
        {
            await foreach (var batch in logs.WatchAsync(running.ResourceId).WithCancellation(stop))
            {
                foreach (var line in batch)
                {
                    onLine(line.Content);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The watch itself never ends.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await DistributedApplicationTestFactory.StopAsync(_app);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Marks every request as forwarded for <paramref name="address"/> (a 198.18.0.0/15 test address).</summary>
    private sealed class ClientAddressHandler(string address, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", address);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
