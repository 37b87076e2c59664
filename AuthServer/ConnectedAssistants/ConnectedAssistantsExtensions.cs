namespace McpAspire.AuthServer.ConnectedAssistants;

/// <summary>The pages where users see and revoke the assistants they allowed, and administrators everyone's.</summary>
public static class ConnectedAssistantsExtensions
{
    public static IHostApplicationBuilder AddConnectedAssistants(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ConnectedAssistantService>();
        return builder;
    }
}
