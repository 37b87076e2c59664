namespace McpAspire.AppHost;

/// <summary>The AppHost's longer wiring, kept out of AppHost.cs so that file reads top to bottom.</summary>
public static class AppHostExtensions
{
    /// <summary>The dashboard command that puts JenkinsMock back to its seeded instance.</summary>
    public const string ResetJenkinsCommand = "reset-jenkins";

    /// <summary>
    /// A secret parameter. Running locally it gets a generated value, persisted in the AppHost's user
    /// secrets so it survives restarts; published, the deployment must supply it.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddGeneratedSecret(this IDistributedApplicationBuilder builder, string name)
        => builder.ExecutionContext.IsPublishMode
            ? builder.AddParameter(name, secret: true)
            : builder.AddParameter(name, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

    /// <summary>The configuration section naming how many replicas of each service run (<c>Replicas:AuthServer</c>, <c>Replicas:McpServer</c>).</summary>
    public const string ReplicasSection = "Replicas";

    /// <summary>
    /// Runs <c>Replicas:{setting}</c> replicas of the service (1 when unset) and tells each one how many there are
    /// (<c>Scaling__Replicas</c>): the limits it counts in memory are divided between them (ReplicaShare). The
    /// variable is also how the count reaches the publish manifest, which has no field for it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithConfiguredReplicas(this IResourceBuilder<ProjectResource> service, string setting)
    {
        var key = $"{ReplicasSection}:{setting}";
        var value = service.ApplicationBuilder.Configuration[key];
        var replicas = 1;
        if (!string.IsNullOrEmpty(value) &&
            (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out replicas) || replicas < 1))
        {
            throw new DistributedApplicationException($"{key} must be a whole number of at least 1, not '{value}'.");
        }

        return service
            .WithReplicas(replicas)
            .WithEnvironment("Scaling__Replicas", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Jenkins for the MCP server under the service-discovery name <paramref name="name"/>: the real
    /// Jenkins at <c>Jenkins:Url</c> when that is configured, otherwise JenkinsMock.
    /// </summary>
    public static IResourceBuilder<IResource> AddJenkins(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<ParameterResource> user,
        IResourceBuilder<ParameterResource> apiToken)
    {
        var realJenkinsUrl = builder.Configuration["Jenkins:Url"];
        if (!string.IsNullOrWhiteSpace(realJenkinsUrl))
        {
            return builder.CreateResourceBuilder<IResource>(builder.AddExternalService(name, realJenkinsUrl).Resource);
        }

        var mock = builder.AddProject<Projects.JenkinsMock>(name)
            .WithEnvironment("Jenkins__User", user)
            .WithEnvironment("Jenkins__ApiToken", apiToken)
            .WithJenkinsMockUsers()
            .WithHttpHealthCheck("/health")
            .WithHttpCommand("/mock/reset", "Reset Jenkins", commandName: ResetJenkinsCommand, commandOptions: new HttpCommandOptions
            {
                Description = "Replace the mock's jobs, builds and queue by its seeded instance",
                IconName = "ArrowReset",
                PrepareRequest = async context =>
                {
                    // The mock's own admin endpoint, authenticated like every Jenkins API call.
                    var userName = await user.Resource.GetValueAsync(context.CancellationToken);
                    var token = await apiToken.Resource.GetValueAsync(context.CancellationToken);
                    context.Request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                        "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{userName}:{token}")));
                },
            });
        return builder.CreateResourceBuilder<IResource>(mock.Resource);
    }

    /// <summary>The AppHost configuration section whose children are JenkinsMock's further users (<c>JenkinsMock:Users:N:*</c>).</summary>
    public const string JenkinsMockUsersSection = "JenkinsMock:Users";

    /// <summary>
    /// JenkinsMock's further users besides the MCP server's account, each with its API token, permissions and items
    /// (<c>JenkinsMock:Users:N:Name</c>, <c>ApiToken</c>, <c>Permissions:M</c>, <c>Items:M</c>, as JenkinsMock's own
    /// <c>Jenkins:Users</c>): people who link their own Jenkins identity on a laptop, and the tests. Values are passed as
    /// given; put tokens on the command line or in user secrets, never in a file. None by default.
    /// </summary>
    private static IResourceBuilder<ProjectResource> WithJenkinsMockUsers(this IResourceBuilder<ProjectResource> mock)
    {
        foreach (var setting in Microsoft.Extensions.Configuration.ConfigurationExtensions.AsEnumerable(mock.ApplicationBuilder.Configuration.GetSection(JenkinsMockUsersSection), makePathsRelative: true))
        {
            if (setting.Value is not null)
            {
                mock.WithEnvironment("Jenkins__Users__" + setting.Key.Replace(":", "__", StringComparison.Ordinal), setting.Value);
            }
        }

        return mock;
    }

    /// <summary>The AppHost configuration section whose children are the auth server's upstream identity providers.</summary>
    public const string ExternalProvidersSection = "AuthServer:ExternalProviders";

    /// <summary>
    /// Hands the auth server its upstream identity providers (<c>AuthServer:ExternalProviders:&lt;name&gt;:*</c> of the
    /// AppHost's configuration, e.g. <c>Authority</c>, <c>ClientId</c>, <c>Scopes</c>, <c>GroupsClaim</c>) and whether
    /// local accounts are offered (<c>AuthServer:LocalAccounts:Enabled</c>). Each provider's client secret is the
    /// secret parameter <c>&lt;name&gt;-client-secret</c> (user secrets locally, supplied by the deployment when
    /// published), created only when that provider is configured; a secret written into the configuration itself is
    /// refused. With no provider configured nothing is added: local accounts only, as before.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithExternalProviders(this IResourceBuilder<ProjectResource> authServer)
    {
        var configuration = authServer.ApplicationBuilder.Configuration;
        foreach (var provider in configuration.GetSection(ExternalProvidersSection).GetChildren())
        {
            var prefix = $"AuthServer__ExternalProviders__{provider.Key}__";
            foreach (var setting in provider.GetChildren().Where(setting => setting.Value is not null))
            {
                if (string.Equals(setting.Key, "ClientSecret", StringComparison.OrdinalIgnoreCase))
                {
                    throw new DistributedApplicationException(
                        $"{ExternalProvidersSection}:{provider.Key}:ClientSecret must not be in the configuration: set the secret parameter " +
                        $"Parameters:{provider.Key}-client-secret (dotnet user-secrets set Parameters:{provider.Key}-client-secret <secret> --project AppHost).");
                }

                authServer.WithEnvironment(prefix + setting.Key, setting.Value);
            }

            var secret = authServer.ApplicationBuilder.AddParameter($"{provider.Key}-client-secret", secret: true);
            authServer.WithEnvironment(prefix + "ClientSecret", secret);
        }

        if (configuration["AuthServer:LocalAccounts:Enabled"] is { } localAccounts)
        {
            authServer.WithEnvironment("AuthServer__LocalAccounts__Enabled", localAccounts);
        }

        return authServer;
    }

    /// <summary>Lets a service reach Jenkins by service discovery, whichever Jenkins <see cref="AddJenkins"/> chose.</summary>
    public static IResourceBuilder<ProjectResource> WithJenkins(this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResource> jenkins)
        => jenkins.Resource switch
        {
            ExternalServiceResource real => service.WithReference(service.ApplicationBuilder.CreateResourceBuilder(real)),
            IResourceWithServiceDiscovery mock => service.WithReference(service.ApplicationBuilder.CreateResourceBuilder(mock)),
            _ => throw new DistributedApplicationException($"Jenkins resource '{jenkins.Resource.Name}' cannot be referenced."),
        };

    /// <summary>
    /// The URL clients reach a service at: its http endpoint on loopback when running locally (no
    /// development certificate is assumed), its https ingress when published.
    /// </summary>
    public static EndpointReference PublicUrl(this IResourceBuilder<ProjectResource> project)
        => project.GetEndpoint(project.ApplicationBuilder.ExecutionContext.IsPublishMode ? "https" : "http");

    /// <summary>
    /// The canonical MCP resource URI (RFC 8707 audience): the public URL plus <c>/mcp</c>, no trailing slash. It is
    /// also the authorization server's issuer identifier (RFC 8414 allows an issuer with a path). Why: Amazon Q CLI
    /// looks for authorization server metadata only at the MCP server's origin, Kiro and Codex require the issuer to
    /// equal the MCP URL, and RFC 9728 clients follow <c>authorization_servers</c>; one issuer at the MCP URL, whose
    /// metadata the MCP server serves at <c>/.well-known/oauth-authorization-server/mcp</c>, satisfies all of them
    /// without a gateway (docs/auth-server.md, "Issuer and discovery").
    /// </summary>
    public static ReferenceExpression McpResourceUrl(this IResourceBuilder<ProjectResource> mcpServer)
        => ReferenceExpression.Create($"{mcpServer.PublicUrl()}/mcp");
}

/// <summary>The MCP server's own OAuth client at the auth server: it authenticates its introspection calls.</summary>
internal static class McpServerClient
{
    public const string Id = "mcp-server";
}
