using McpAspire.JenkinsMock.Apis;

namespace McpAspire.JenkinsMock.Extensions;

/// <summary>The mock's registrations and its HTTP pipeline.</summary>
public static class JenkinsMockExtensions
{
    /// <summary>Options (validated at start), the simulated instance, its background executor, and Jenkins-like security.</summary>
    public static IHostApplicationBuilder AddJenkinsMock(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JenkinsOptions>()
            .Bind(builder.Configuration.GetSection(JenkinsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<InstanceSeeder>();
        builder.Services.AddSingleton<BuildSimulator>();
        builder.Services.AddSingleton<JenkinsInstance>();
        builder.Services.AddHostedService<BuildExecutor>();

        builder.Services.AddSingleton<CrumbIssuer>();
        builder.Services.AddSingleton<CredentialValidator>();

        // Password logins live in a web session, as in Jenkins (servlet session, cookie JSESSIONID).
        builder.Services.AddDistributedMemoryCache();
        builder.Services.AddSession(session =>
        {
            session.Cookie.Name = "JSESSIONID";
            session.Cookie.HttpOnly = true;
            session.Cookie.IsEssential = true;
            session.IdleTimeout = TimeSpan.FromMinutes(30);
        });
        return builder;
    }

    /// <summary>Jenkins' headers on every answer, then sessions, then authentication, authorization and crumbs.</summary>
    public static WebApplication UseJenkinsSecurity(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.UseMiddleware<JenkinsHeadersMiddleware>();
        app.UseSession();
        app.UseMiddleware<JenkinsSecurityMiddleware>();
        return app;
    }

    public static WebApplication MapJenkinsApi(this WebApplication app)
    {
        app.MapRootApi();
        app.MapJobApi();
        app.MapQueueApi();
        app.MapComputerApi();
        app.MapSecurityApi();
        app.MapMockAdminApi();
        return app;
    }
}
