using Aspire.Hosting;

namespace McpAspire.TokenTooling.Tests;

/// <summary>
/// This assembly's one AppHost (see <see cref="DistributedApplicationFixture"/>): the running system the script
/// signs in to, shared by every class in the <see cref="DistributedApplicationFixture.Collection"/> collection.
/// </summary>
public sealed class RunningSystemFixture() : DistributedApplicationFixture(typeof(Projects.AppHost))
{
    /// <summary>The services Aspire runs under <c>dotnet run</c>: every resource but DynamoDB Local.</summary>
    private static readonly string[] DotnetRunServices = ["jenkins", AuthServer, McpServer];

    /// <summary>
    /// Ends the services' process trees, then the app. Left to the app, each <c>dotnet run</c> was stopped gracefully
    /// and waited for: the last one went 7 s after the last test, its service 12 s after, the whole time the run
    /// waited. Nothing is lost by not waiting: the services keep their state in DynamoDB Local's memory.
    /// </summary>
    protected override async ValueTask StopAsync(DistributedApplication app)
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            await Task.WhenAll(DotnetRunServices.Select(name => KillAsync(name, timeout.Token)));
        }

        await base.StopAsync(app);
    }
}

[CollectionDefinition(DistributedApplicationFixture.Collection)]
public sealed class WholeAppHostGroup : ICollectionFixture<RunningSystemFixture>;
