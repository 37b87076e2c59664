using Aspire.Hosting;

namespace McpAspire.AuthServer.Tests.Infrastructure;

/// <summary>
/// The one Aspire app this assembly starts (<see cref="AuthServerFixture"/>'s), leased by the two collections that
/// need it: the whole-AppHost collection (<see cref="AuthServerFixture"/>) and the DynamoDB Local collection
/// (<c>DynamoDbLocalFixture</c>, which uses only its DynamoDB Local). xUnit runs the two collections in parallel, each
/// with its own collection fixture, so the first lease starts the app and the last release ends it. Each start costs
/// ~40 CPU-seconds and a DynamoDB Local JVM, the suite's largest costs on a 2-core machine.
/// </summary>
internal static class SharedAppHost
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static int s_leases;

    /// <summary>The fixture that starts the app: its secrets are known before it starts.</summary>
    public static AuthServerFixture Host { get; } = AuthServerFixture.CreateHost();

    /// <summary>The app, started by the first lease; every <see cref="LeaseAsync"/> that returns is matched by one <see cref="ReleaseAsync"/>.</summary>
    public static async Task<DistributedApplication> LeaseAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (s_leases == 0)
            {
                await Host.InitializeAsync();
            }

            s_leases++;
            return Host.App;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Gives a lease back; the last one ends the app.</summary>
    public static async ValueTask ReleaseAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (--s_leases == 0)
            {
                await Host.DisposeAsync();
            }
        }
        finally
        {
            Gate.Release();
        }
    }
}
