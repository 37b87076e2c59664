using System.Globalization;

namespace McpAspire.AppHost.Tests.Replicas;

/// <summary>
/// The AppHost with two replicas of the auth server and of the MCP server (<c>Replicas:AuthServer=2</c>,
/// <c>Replicas:McpServer=2</c>) on an empty, in-memory DynamoDB Local: both auth-server replicas create the tables and
/// seed at the same moment. Started once for <see cref="ReplicaTests"/> and <see cref="DistributedApplicationTests"/>. Each replica is addressed on its own port
/// (Aspire's proxy, at the resource's endpoint, balances between them): the port Aspire handed that replica is in its
/// <c>ASPNETCORE_URLS</c>, which the replica's snapshot carries.
/// </summary>
public sealed class ReplicasFixture : IAsyncLifetime
{
    public const int Replicas = 2;

    /// <summary>The wait after the first failure past the free ones: long enough that no test outruns it.</summary>
    public static readonly TimeSpan LoginFirstDelay = TimeSpan.FromMinutes(1);

    private static int s_lastClientAddress;

    private DistributedApplication? _app;

    public string AdminPassword { get; } = DistributedApplicationTestFactory.RandomSecret();

    public string IntrospectionSecret { get; } = DistributedApplicationTestFactory.RandomSecret();

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    /// <summary>The MCP resource URI tokens are issued for (the MCP server's proxied endpoint plus /mcp).</summary>
    public string McpResource { get; private set; } = "";

    /// <summary>How long the AppHost took from build to both replicas of each service answering.</summary>
    public TimeSpan StartDuration { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var builder = await DistributedApplicationTestFactory.CreateAsync(typeof(Projects.AppHost), AdminPassword, IntrospectionSecret,
            $"Replicas:AuthServer={Replicas}", $"Replicas:McpServer={Replicas}");
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == DistributedApplicationFixture.AuthServer))
            .WithEnvironment("LoginThrottling__FirstDelay", LoginFirstDelay.ToString("c", CultureInfo.InvariantCulture));
        _app = await DistributedApplicationTestFactory.StartAsync(builder, DistributedApplicationTestFactory.ResourceNames);
        McpResource = new Uri(_app.GetEndpoint(DistributedApplicationFixture.McpServer, "http"), "/mcp").AbsoluteUri;

        using var timeout = new CancellationTokenSource(DistributedApplicationTestFactory.StartTimeout);
        await ReplicasAsync(DistributedApplicationFixture.AuthServer, Replicas, timeout.Token);
        await ReplicasAsync(DistributedApplicationFixture.McpServer, Replicas, timeout.Token);
        StartDuration = started.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await DistributedApplicationTestFactory.StopAsync(_app);
        }
    }

    /// <summary>
    /// The running replicas of <paramref name="resource"/>, once <paramref name="count"/> of them run and each answers
    /// its own <c>/health</c> with 200 (Aspire's health check goes through the proxy, so it cannot tell replicas apart).
    /// </summary>
    public async Task<IReadOnlyList<Replica>> ReplicasAsync(string resource, int count, CancellationToken cancellationToken)
    {
        var running = new Dictionary<string, Replica>(StringComparer.Ordinal);
        await foreach (var update in App.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (update.Resource.Name != resource)
            {
                continue;
            }

            if (update.Snapshot.State?.Text == KnownResourceStates.Running && Replica.From(update) is { } replica)
            {
                running[update.ResourceId] = replica;
            }
            else
            {
                running.Remove(update.ResourceId);
            }

            if (running.Count == count)
            {
                var replicas = running.Values.OrderBy(r => r.ResourceId, StringComparer.Ordinal).ToList();
                foreach (var each in replicas)
                {
                    await WaitUntilAnsweringAsync(each, cancellationToken);
                }

                return replicas;
            }
        }

        throw new OperationCanceledException($"{resource} never had {count} running replicas.");
    }

    /// <summary>
    /// A client of one replica that follows no redirects and sends as <paramref name="clientAddress"/> (X-Forwarded-For
    /// from loopback, which the services trust), keeping cookies in <paramref name="cookies"/> when given: cookies
    /// ignore ports, so one jar is one browser whichever replica it talks to.
    /// </summary>
    public static HttpClient Client(Replica replica, string clientAddress, CookieContainer? cookies = null)
        => new(new ClientAddressHandler(clientAddress, new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
        }))
        {
            BaseAddress = replica.Url,
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>A client address of its own (198.18.0.0/15), so per-address limits count one test's requests only.</summary>
    public static string NewClientAddress()
    {
        var n = Interlocked.Increment(ref s_lastClientAddress);
        return $"198.19.{(n >> 8) & 0xFF}.{n & 0xFF}";
    }

    /// <summary>Ends one replica's process tree and waits until the AppHost sees it gone (see DistributedApplicationFixture.KillAsync).</summary>
    public async Task KillAsync(Replica replica, CancellationToken cancellationToken)
    {
        DistributedApplicationTestFactory.EndProcessTree(replica.ProcessId);

        await foreach (var update in App.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (update.ResourceId == replica.ResourceId && KnownResourceStates.TerminalStates.Contains(update.Snapshot.State?.Text))
            {
                return;
            }
        }
    }

    /// <summary>Starts a stopped replica again (the dashboard's start command, by the replica's own id).</summary>
    public async Task RestartAsync(Replica replica, CancellationToken cancellationToken)
    {
        var started = await App.ResourceCommands.ExecuteCommandAsync(replica.ResourceId, KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(started.Success, $"Could not start {replica.ResourceId}: {started.Message}");
        await ReplicasAsync(replica.Resource, Replicas, cancellationToken);
    }

    private static async Task WaitUntilAnsweringAsync(Replica replica, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = replica.Url, Timeout = TimeSpan.FromSeconds(10) };
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("/health", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet: the process runs before Kestrel binds.
            }

            // Nothing notifies us when a replica's own port starts answering; ask again shortly.
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>Marks every request as forwarded for <paramref name="address"/>.</summary>
    private sealed class ClientAddressHandler(string address, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", address);
            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>One replica of a service: its id in the AppHost, its own http URL, its process and its environment.</summary>
public sealed record Replica(string Resource, string ResourceId, Uri Url, int ProcessId, IReadOnlyDictionary<string, string?> Environment)
{
    public static Replica? From(ResourceEvent update)
    {
        var urls = update.Snapshot.EnvironmentVariables.FirstOrDefault(variable => variable.Name == "ASPNETCORE_URLS")?.Value;
        var http = urls?.Split(';').FirstOrDefault(url => url.StartsWith("http://", StringComparison.Ordinal));
        return http is null || DistributedApplicationTestFactory.ProcessIdOf(update.Snapshot) is not { } processId
            ? null
            : new Replica(update.Resource.Name, update.ResourceId, new Uri(http), processId,
                update.Snapshot.EnvironmentVariables.GroupBy(variable => variable.Name).ToDictionary(group => group.Key, group => group.Last().Value));
    }
}

/// <summary>
/// This assembly's one whole AppHost: the replica tests and the AppHost wiring tests share the two-replica app, one
/// class after another (the replica tests end and restart replicas).
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReplicasGroup : ICollectionFixture<ReplicasFixture>
{
    public const string Name = "Two replicas of each service";
}
