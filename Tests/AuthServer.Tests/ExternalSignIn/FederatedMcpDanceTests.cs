using System.Net.Sockets;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpAspire.AuthServer.Tests.ExternalSignIn;

/// <summary>
/// The whole MCP dance with a company sign-in: the C# SDK's MCP client knows only the /mcp URL, discovers the auth
/// server from the 401, registers itself, sends its user to sign in (here through the upstream provider), and calls
/// a Jenkins tool with the token it obtained.
/// </summary>
public sealed class FederatedMcpDanceTests(AuthServerFixture app)
{
    [Fact]
    public async Task An_MCP_client_whose_user_signs_in_at_the_company_provider_calls_a_Jenkins_tool()
    {
        var login = $"ivy-{Guid.NewGuid().ToString("N")[..8]}";
        var password = DistributedApplicationTestFactory.RandomSecret();
        await app.PutUpstreamAccountAsync(login, password, new { preferred_username = login, groups = new List<string> { "developers" } });
        using var browser = new FederatedBrowser(app);
        var tokens = new MemoryTokenCache();
        using var http = new HttpClient();
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = app.McpUrl,
            Name = "federated-e2e",
            OAuth = new()
            {
                RedirectUri = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}/callback"),
                DynamicClientRegistration = new() { ClientName = "Federated MCP client" },
                AuthorizationCallbackHandler = async (context, cancellationToken) =>
                {
                    var redirect = await browser.AuthorizeAsync(context.AuthorizationUri.AbsoluteUri, login, password,
                        context.RedirectUri.GetLeftPart(UriPartial.Path));
                    var query = QueryHelpers.ParseQuery(redirect.Query);
                    return new AuthorizationResult { Code = query["code"], State = query["state"], Iss = query["iss"] };
                },
                TokenCache = tokens,
            },
        }, http);

        await using var client = await McpClient.CreateAsync(transport);
        var result = await client.CallToolAsync("get_jenkins_status", new Dictionary<string, object?>());

        Assert.NotEqual(true, result.IsError);
        Assert.Contains(result.Content.OfType<TextContentBlock>(), block => block.Text.Length > 0);
        var (_, introspection) = await new OAuthFlows(app).IntrospectAsync(tokens.Tokens!.AccessToken);
        Assert.Equal(login, introspection.GetProperty("username").GetString());
        Assert.Equal("developers", introspection.GetProperty("groups").ValueKind == System.Text.Json.JsonValueKind.Array
            ? introspection.GetProperty("groups")[0].GetString() : introspection.GetProperty("groups").GetString());
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class MemoryTokenCache : ITokenCache
    {
        public TokenContainer? Tokens { get; private set; }

        public ValueTask StoreTokensAsync(TokenContainer tokens, CancellationToken cancellationToken)
        {
            Tokens = tokens;
            return ValueTask.CompletedTask;
        }

        public ValueTask<TokenContainer?> GetTokensAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Tokens);
    }
}
