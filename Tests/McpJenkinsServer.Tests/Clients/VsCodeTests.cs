using ModelContextProtocol.Authentication;

namespace McpAspire.McpJenkinsServer.Tests.Clients;

/// <summary>
/// VS Code (<c>.vscode/mcp.json</c>, <c>"type": "http"</c>): microsoft/vscode
/// <c>src/vs/workbench/api/common/extHostMcp.ts</c> (<c>_populateAuthMetadata</c>: the 401's
/// <c>resource_metadata</c> and <c>scope</c>, then the protected resource metadata's first authorization server)
/// and <c>src/vs/base/common/oauth.ts</c> (RFC 8414 path-inserted metadata URL first, dynamic registration of a
/// public client with loopback redirect URIs). It asks exactly the scopes of the challenge, with no
/// <c>offline_access</c> (../shared/reference/clients.md), and sends <c>resource</c>. The server gives it a refresh
/// token anyway, because it registered the <c>refresh_token</c> grant; without one its users would sign in hourly.
/// </summary>
[Collection(DistributedApplicationFixture.Collection)]
public sealed class VsCodeTests(McpAspireAppFixture app)
{
    private const string ProtocolVersion = "2025-06-18";

    [Fact]
    public async Task VS_Code_asking_only_the_challenged_scopes_signs_in_and_authorizes_again_without_typing_anything()
    {
        using var vscode = new EmulatedClient(app);

        var (resourceMetadataUrl, challengedScope) = await vscode.ProbeAsync(app.McpUrl, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"Visual Studio Code","version":"1.106.0"}}}""", ProtocolVersion);
        var scope = challengedScope!;

        Assert.DoesNotContain("offline_access", scope, StringComparison.Ordinal);
        using var prmResponse = await vscode.GetAsync(new Uri(resourceMetadataUrl!));
        var prm = JsonDocument.Parse(await prmResponse.Content.ReadAsStringAsync()).RootElement;
        var resource = prm.GetProperty("resource").GetString()!;
        var issuer = new Uri(prm.GetProperty("authorization_servers")[0].GetString()!);

        using var metadataResponse = await vscode.GetAsync(new Uri(issuer, "/.well-known/oauth-authorization-server" + issuer.AbsolutePath.TrimEnd('/')));
        Assert.Equal(HttpStatusCode.OK, metadataResponse.StatusCode);
        var metadata = JsonDocument.Parse(await metadataResponse.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(issuer.AbsoluteUri, metadata.GetProperty("issuer").GetString());

        var redirectUri = "http://127.0.0.1:33418/";
        var registration = await vscode.RegisterAsync(metadata.GetProperty("registration_endpoint").GetString()!, new Dictionary<string, object>
        {
            ["client_name"] = "Visual Studio Code",
            ["client_uri"] = "https://code.visualstudio.com",
            ["redirect_uris"] = new[] { "https://vscode.dev/redirect", redirectUri },
            ["grant_types"] = EmulatedClient.CodeAndRefreshGrants,
            ["response_types"] = EmulatedClient.CodeResponseType,
            ["token_endpoint_auth_method"] = "none",
        });
        var clientId = registration.GetProperty("client_id").GetString()!;

        // VS Code's authorization request and code exchange, in its parameter order; it runs both twice below.
        async Task<(AuthorizationResult Result, string Verifier)> AuthorizeAsync()
        {
            var (verifier, challenge) = EmulatedClient.NewPkce();
            var state = EmulatedClient.NewState();
            var result = await vscode.AuthorizeAsync(
                EmulatedClient.WithQuery(metadata.GetProperty("authorization_endpoint").GetString()!,
                [
                    new("client_id", clientId), new("response_type", "code"), new("code_challenge", challenge),
                    new("code_challenge_method", "S256"), new("scope", scope), new("redirect_uri", redirectUri),
                    new("state", state), new("resource", resource),
                ]),
                new Uri(redirectUri));
            Assert.Equal(state, result.State);
            return (result, verifier);
        }

        var tokenEndpoint = metadata.GetProperty("token_endpoint").GetString()!;
        Task<JsonElement> ExchangeAsync(string code, string verifier) => vscode.TokenAsync(tokenEndpoint,
        [
            new("client_id", clientId), new("grant_type", "authorization_code"), new("code", code),
            new("redirect_uri", redirectUri), new("code_verifier", verifier), new("resource", resource),
        ]);

        var (authorization, verifier) = await AuthorizeAsync();
        Assert.Equal(issuer.AbsoluteUri, authorization.Iss);
        // The user was shown the scopes asked for, and nothing about staying signed in.
        Assert.DoesNotContain("offline_access", vscode.SignIn.ConsentedScopes.Single());

        var tokens = await ExchangeAsync(authorization.Code!, verifier);
        Assert.Equal(scope.Split(' ').Order(StringComparer.Ordinal), tokens.GetProperty("scope").GetString()!.Split(' ').Order(StringComparer.Ordinal));
        // No offline_access, no refresh token (AuthServer:RefreshTokensWithoutOfflineAccess is off: a refresh token
        // would stop TypeScript SDK clients from stepping up to mcp:write).
        Assert.False(tokens.TryGetProperty("refresh_token", out _));
        await vscode.UseMcpAsync(app.McpUrl, tokens.GetProperty("access_token").GetString()!, ProtocolVersion);

        // An hour later VS Code authorizes again: the sign-in session and the remembered consent make it a redirect
        // with nothing to type and no page to answer.
        var (again, secondVerifier) = await AuthorizeAsync();
        Assert.Single(vscode.SignIn.ConsentedScopes);
        var renewed = await ExchangeAsync(again.Code!, secondVerifier);
        await vscode.UseMcpAsync(app.McpUrl, renewed.GetProperty("access_token").GetString()!, ProtocolVersion, "list_jobs");
    }
}
