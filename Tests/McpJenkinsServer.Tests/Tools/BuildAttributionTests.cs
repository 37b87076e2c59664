using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpAspire.McpJenkinsServer.Tests.Tools;

/// <summary>Builds the server starts say who asked: the signed-in user and client from the token's introspected claims.</summary>
public sealed class BuildAttributionTests(JenkinsMockFactory mock) : IClassFixture<JenkinsMockFactory>
{
    private const string Expected = "Requested through the MCP server by alice (MCP client vscode-42).";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private JenkinsClient Jenkins => mock.CreateJenkinsClient();

    [Fact]
    public async Task A_build_waited_for_has_the_requester_in_its_description_and_in_its_declared_parameter()
    {
        var control = new BuildControlTools(Jenkins, new BuildLauncher(Jenkins, TimeProvider.System), SignedIn());

        var triggered = await control.TriggerBuild("deploy/deploy-shop", wait_for_start: true, wait_seconds: 60);
        var build = await new BuildTools(Jenkins).GetBuild("deploy/deploy-shop", triggered.BuildNumber!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(Expected, build.Description);
        Assert.Equal("alice (MCP client vscode-42)", build.Parameters["MCP_REQUESTED_BY"]);
        await control.StopBuild("deploy/deploy-shop", triggered.BuildNumber!.Value);
    }

    [Fact]
    public async Task A_build_not_waited_for_gets_its_description_once_it_starts()
    {
        await using var services = new ServiceCollection().AddSingleton(Jenkins).BuildServiceProvider();
        using var attribution = new BuildAttribution(services.GetRequiredService<IServiceScopeFactory>(), TimeProvider.System, NullLogger<BuildAttribution>.Instance);
        await attribution.StartAsync(CancellationToken.None);
        var control = new BuildControlTools(Jenkins, new BuildLauncher(Jenkins, TimeProvider.System, attribution), SignedIn());

        var triggered = await control.TriggerBuild("backend/platform/inventory-api");
        Assert.Null(triggered.BuildNumber);
        var item = await WaitAsync(async () => await new QueueTools(Jenkins).GetQueueItem(triggered.QueueItemId!.Value) is { BuildNumber: not null } left ? left : null);
        var number = item.BuildNumber!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var described = await WaitAsync(async () => await new BuildTools(Jenkins).GetBuild("backend/platform/inventory-api", number) is { Description: not null } build ? build : null);

        Assert.Equal(Expected, described.Description);
        await attribution.StopAsync(CancellationToken.None);
        await control.StopBuild("backend/platform/inventory-api", item.BuildNumber!.Value);
    }

    private static HttpContextAccessor SignedIn() => new()
    {
        HttpContext = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "user-7"), new Claim("username", "alice"), new Claim("client_id", "vscode-42")], "Bearer")),
        },
    };

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe) where T : class
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100, timeout.Token);
        }
    }
}
