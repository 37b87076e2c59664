using System.Net.Sockets;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;

namespace McpAspire.McpJenkinsServer.Tests.EndToEnd;

/// <summary>
/// The C# SDK's own MCP client with its OAuth support, as a third-party client would use it: it knows only the
/// /mcp URL, registers itself dynamically with a loopback redirect URI, and signs in through the auth server's
/// pages (played by <see cref="HeadlessSignIn"/>). Every HTTP exchange goes into <see cref="Transcript"/>.
/// </summary>
public sealed class OAuthMcpClient : IAsyncDisposable
{
    private OAuthMcpClient(McpClient client, HeadlessSignIn signIn, CapturingTokenCache tokens, Transcript transcript, HttpClient http)
    {
        Client = client;
        SignIn = signIn;
        Tokens = tokens;
        Transcript = transcript;
        Http = http;
    }

    public McpClient Client { get; }

    public HeadlessSignIn SignIn { get; }

    public CapturingTokenCache Tokens { get; }

    public Transcript Transcript { get; }

    public HttpClient Http { get; }

    /// <param name="scopeSelector">Narrows the scopes of the first authorization (e.g. to mcp:read only); null keeps the server's.</param>
    /// <param name="user">Who signs in (a local user a test created); null for the seeded admin.</param>
    public static async Task<OAuthMcpClient> ConnectAsync(
        McpAspireAppFixture app, Transcript? transcript = null, ScopeSelectorDelegate? scopeSelector = null, CapturingTokenCache? tokens = null,
        TestUser? user = null, CancellationToken cancellationToken = default)
    {
        transcript ??= new Transcript();
        var signIn = user is null
            ? new HeadlessSignIn(DistributedApplicationFixture.AdminUserName, app.AdminPassword, transcript)
            : new HeadlessSignIn(user.UserName, user.Password, transcript);
        tokens ??= new CapturingTokenCache();
        var http = new HttpClient(new TranscriptHandler(transcript, DistributedApplicationFixture.WithOwnClientAddress(new SocketsHttpHandler())));
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = app.McpUrl,
            Name = "e2e",
            OAuth = new()
            {
                RedirectUri = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}/callback"),
                DynamicClientRegistration = new() { ClientName = "McpJenkinsServer e2e client" },
                AuthorizationCallbackHandler = signIn.AuthorizeAsync,
                TokenCache = tokens,
                ScopeSelector = scopeSelector,
            },
        }, http);

        var client = await McpClient.CreateAsync(transport, cancellationToken: cancellationToken);
        return new OAuthMcpClient(client, signIn, tokens, transcript, http);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        SignIn.Dispose();
        Http.Dispose();
    }

    /// <summary>A loopback port nobody listens on now, as a native client would pick for its redirect URI.</summary>
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
