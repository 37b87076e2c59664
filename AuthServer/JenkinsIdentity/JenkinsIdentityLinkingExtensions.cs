using McpAspire.AccessPolicy.JenkinsIdentity;

namespace McpAspire.AuthServer.JenkinsIdentity;

/// <summary>The page <c>/account/jenkins</c> where a user links their own Jenkins identity, and what it needs.</summary>
public static class JenkinsIdentityLinkingExtensions
{
    /// <summary>
    /// The linked identities' store and the tokens' key ring (this server creates its keys), and the check of presented
    /// credentials against Jenkins at <c>Jenkins:Url</c> (default: the AppHost's <c>jenkins</c> resource by service
    /// discovery), which never follows a redirect and gives up after <c>Jenkins:LinkCheckTimeout</c> (10 s).
    /// </summary>
    public static IHostApplicationBuilder AddJenkinsIdentityLinking(this IHostApplicationBuilder builder)
    {
        builder.AddJenkinsIdentities(createKeys: true);
        var jenkins = new Uri(builder.Configuration["Jenkins:Url"] is { Length: > 0 } url ? url : "https+http://jenkins");
        var root = jenkins.OriginalString.EndsWith('/') ? jenkins : new Uri(jenkins.OriginalString + "/");
        var timeout = builder.Configuration.GetValue("Jenkins:LinkCheckTimeout", TimeSpan.FromSeconds(10));
        builder.Services.AddHttpClient<JenkinsCredentialCheck>(http =>
            {
                http.BaseAddress = root;
                http.Timeout = timeout;
                http.DefaultRequestHeaders.Accept.Add(new("application/json"));
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        builder.Services.AddScoped<JenkinsIdentityLinks>();
        return builder;
    }
}
