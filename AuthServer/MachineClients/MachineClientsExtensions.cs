namespace McpAspire.AuthServer.MachineClients;

/// <summary>Administrator-provisioned machine clients (their page is guarded by the administrator policy).</summary>
public static class MachineClientsExtensions
{
    public static IHostApplicationBuilder AddMachineClients(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<MachineClientService>();
        return builder;
    }
}
