using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace McpAspire.AuthServer.Tests.Registration;

/// <summary>
/// Serves Client ID Metadata Documents from a Kestrel on 127.0.0.1, as a client's website would. The auth
/// server reaches loopback only in Development (its Development-only default), which is how the AppHost runs it.
/// </summary>
public sealed class MetadataDocumentServer : IAsyncLifetime
{
    /// <summary>The redirect URI every served document registers (loopback, no port: any port matches).</summary>
    public const string RedirectUri = "http://127.0.0.1/callback";

    private static readonly string[] RedirectUris = [RedirectUri];

    private static readonly string[] GrantTypes = ["authorization_code", "refresh_token"];

    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The URL (and so client id) of a fresh, valid document.</summary>
    public string NewClientId() => new Uri(BaseAddress, $"/clients/{Guid.NewGuid():N}.json").AbsoluteUri;

    /// <summary>The URL of a document whose own client_id names another URL.</summary>
    public string ImpostorClientId() => new Uri(BaseAddress, $"/impostors/{Guid.NewGuid():N}.json").AbsoluteUri;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();

        _app.MapGet("/clients/{name}.json", (HttpContext context) => Results.Json(new Dictionary<string, object>
        {
            ["client_id"] = SelfUrl(context.Request),
            ["client_name"] = "Metadata document test client",
            ["redirect_uris"] = RedirectUris,
            ["grant_types"] = GrantTypes,
            ["token_endpoint_auth_method"] = "none",
        }));
        _app.MapGet("/impostors/{name}.json", () => Results.Json(new Dictionary<string, object>
        {
            ["client_id"] = "https://trusted.example/client.json",
            ["redirect_uris"] = RedirectUris,
        }));

        await _app.StartAsync();
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private static string SelfUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.Path}";
}
