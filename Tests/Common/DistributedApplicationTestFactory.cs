using System.Security.Cryptography;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpAspire.Tests.Common;

/// <summary>
/// Every test AppHost is built here, as in aspire-samples' <c>DistributedApplicationTestFactory</c>: a fresh
/// in-memory DynamoDB Local, random secrets, warnings-only logging, and every resource awaited until healthy
/// within <see cref="StartTimeout"/>. Linked into each test project that starts the AppHost (Tests/Common).
/// </summary>
public static class DistributedApplicationTestFactory
{
    /// <summary>Long enough for a cold start of four resources on a busy 2-core machine.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The PBKDF2 iterations of the auth server's password hashes in tests (<c>PasswordHashing:IterationCount</c>,
    /// accepted below the production 100,000 only in Development): the tests check what signing in does, not what it
    /// costs, and their few hundred sign-ins and new users cost 170 ms of CPU each at 100,000.
    /// </summary>
    public const string PasswordHashIterations = "1000";

    /// <summary>
    /// JenkinsMock's timings in tests (section <c>Jenkins</c>): builds short enough to be waited for, long enough to be
    /// seen queued and running. The defaults (a 5 s quiet period, 24 s builds) make the dashboard demo look alive, and
    /// cost the end-to-end dance half a minute of waiting.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> BriefJenkinsBuilds = new Dictionary<string, string>
    {
        ["Timing:QuietPeriod"] = "00:00:02",
        ["Timing:BuildLength"] = "00:00:08",
        ["Timing:LogLineInterval"] = "00:00:00.050",
    };

    /// <summary>The AppHost's resources, in the order they become healthy.</summary>
    public static readonly string[] ResourceNames = ["dynamodb", "jenkins", "auth-server", "mcp-server"];

    /// <summary>
    /// A testing builder for the AppHost whose generated <c>Projects.AppHost</c> type is <paramref name="appHost"/>
    /// (a type, not a type parameter: one test project reaches it only through an extern alias).
    /// </summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync(
        Type appHost, string adminPassword, string introspectionSecret, params string[] args)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync(appHost,
        [
            "DynamoDbLocal:InMemory=true",
            $"Parameters:admin-password={adminPassword}",
            $"Parameters:jenkins-api-token={RandomSecret()}",
            $"Parameters:mcp-introspection-secret={introspectionSecret}",
            .. args,
        ]);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        DeferTierUpCompilation(builder);
        foreach (var jenkins in builder.Resources.OfType<ProjectResource>().Where(project => project.Name == "jenkins"))
        {
            foreach (var (key, value) in BriefJenkinsBuilds)
            {
                builder.CreateResourceBuilder(jenkins).WithEnvironment("Jenkins__" + key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        foreach (var authServer in builder.Resources.OfType<ProjectResource>().Where(project => project.Name == DistributedApplicationFixture.AuthServer))
        {
            builder.CreateResourceBuilder(authServer).WithEnvironment("PasswordHashing__IterationCount", PasswordHashIterations);
        }

        return builder;
    }

    /// <summary>
    /// The services get this test process's own JIT setting (Tests/Directory.Build.props: no second, optimizing pass
    /// within a test run), read from its runtimeconfig so the value is written once. Given to them as an environment
    /// variable because their runtimeconfig is the production one.
    /// </summary>
    private static void DeferTierUpCompilation(IDistributedApplicationTestingBuilder builder)
    {
        if (AppContext.GetData("System.Runtime.TieredCompilation.CallCountingDelayMs") is not string delay)
        {
            return;
        }

        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project).WithEnvironment("DOTNET_TC_CallCountingDelayMs", delay);
        }
    }

    /// <summary>Builds and starts the app, then waits until each of <paramref name="resources"/> is healthy.</summary>
    public static async Task<DistributedApplication> StartAsync(IDistributedApplicationTestingBuilder builder, params string[] resources)
    {
        var app = await builder.BuildAsync();
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            await app.StartAsync(timeout.Token);
            foreach (var name in resources)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
            }

            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts a stopped resource again (the dashboard's start command) and waits until it is healthy. The start command
    /// returns before the state leaves the terminal one the stop left, and a health wait that sees a terminal state gives
    /// up ("failed to start"), as it did on a busy machine: so it first waits for the resource to run.
    /// </summary>
    public static async Task StartAgainAsync(DistributedApplication app, string resourceName, CancellationToken cancellationToken)
    {
        var started = await app.ResourceCommands.ExecuteCommandAsync(resourceName, KnownResourceCommands.StartCommand, cancellationToken);
        if (!started.Success)
        {
            throw new InvalidOperationException($"Could not start {resourceName}: {started.Message}");
        }

        await app.ResourceNotifications.WaitForResourceAsync(resourceName, KnownResourceStates.Running, cancellationToken);
        await app.ResourceNotifications.WaitForResourceHealthyAsync(resourceName, cancellationToken);
    }

    /// <summary>The process id Aspire states in a resource's snapshot (<c>executable.pid</c>), or null before it runs one.</summary>
    public static int? ProcessIdOf(CustomResourceSnapshot snapshot)
        => (snapshot ?? throw new ArgumentNullException(nameof(snapshot))).Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value is { } processId
            ? Convert.ToInt32(processId, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>Ends the process <paramref name="processId"/> and every process it started, unless it is gone already.</summary>
    public static void EndProcessTree(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            // Gone already.
        }
    }

    /// <summary>
    /// Ends the app, after ending the process tree of each service still running. How the services shut down is not
    /// what these tests look at, and waiting for it held the end of every app 10-14 s: Aspire runs each project under
    /// <c>dotnet run</c>, its stop reaches that command only, and the app waits for it. Measured on one app: 13.6 s to
    /// dispose as it was, 2.3 s now.
    /// </summary>
    public static async ValueTask StopAsync(DistributedApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await EndProcessesAsync(app);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>
    /// Ends the process tree of every running instance of the app's projects and executables (replicas included), as
    /// the app's own notifications state them: their latest states come first, so the watch ends once every expected
    /// instance has been seen, or after a few seconds with whatever was seen (the app's disposal then ends the rest).
    /// </summary>
    private static async Task EndProcessesAsync(DistributedApplication app)
    {
        var expected = app.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Where(resource => resource is ProjectResource or ExecutableResource)
            .ToDictionary(resource => resource.Name, resource => resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1);
        var latest = new Dictionary<string, ResourceEvent>(StringComparer.Ordinal);
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await foreach (var update in app.ResourceNotifications.WatchAsync(enough.Token))
            {
                if (!expected.ContainsKey(update.Resource.Name))
                {
                    continue;
                }

                latest[update.ResourceId] = update;
                if (expected.All(resource => latest.Values.Count(seen => seen.Resource.Name == resource.Key) >= resource.Value))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Not every instance was seen (one never started): the disposal ends the rest.
        }

        foreach (var update in latest.Values.Where(update => !KnownResourceStates.TerminalStates.Contains(update.Snapshot.State?.Text)))
        {
            if (ProcessIdOf(update.Snapshot) is { } processId)
            {
                EndProcessTree(processId);
            }
        }
    }

    public static string RandomSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
}
