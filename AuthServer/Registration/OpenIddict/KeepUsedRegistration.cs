using McpAspire.AuthServer.Persistence.Infrastructure;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace McpAspire.AuthServer.Registration.OpenIddict;

/// <summary>
/// Clients re-register on every connect, so the registration endpoint marks each new client with an
/// expiry (<see cref="UnusedRegistrationProperty"/>). The first token a client obtains proves the
/// registration is in use: this handler removes the mark so the registration stays.
/// </summary>
public sealed partial class KeepUsedRegistration(IOpenIddictApplicationManager applications, ILogger<KeepUsedRegistration> logger)
    : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    /// <summary>The application property the registration endpoint sets on every new registration.</summary>
    public const string UnusedRegistrationProperty = TtlPolicy.UnusedRegistrationExpiresAt;

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseScopedHandler<KeepUsedRegistration>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var clientId = context.Request?.ClientId;
        if (!string.IsNullOrEmpty(context.Response.Error) || string.IsNullOrEmpty(context.Response.AccessToken) || string.IsNullOrEmpty(clientId))
        {
            return;
        }

        var application = await applications.FindByClientIdAsync(clientId, context.CancellationToken);
        if (application is null)
        {
            return;
        }

        var properties = await applications.GetPropertiesAsync(application, context.CancellationToken);
        if (!properties.ContainsKey(UnusedRegistrationProperty))
        {
            return;
        }

        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, context.CancellationToken);
        descriptor.Properties.Remove(UnusedRegistrationProperty);
        try
        {
            await applications.UpdateAsync(application, descriptor, context.CancellationToken);
        }
        catch (OpenIddictExceptions.ConcurrencyException)
        {
            // Another request, on this replica or another, changed the registration meanwhile (most likely its own
            // first token removing this same mark). The tokens are issued already; the next one checks again.
            return;
        }

        LogKept(logger, clientId);
    }

    [LoggerMessage(LogLevel.Information, "Client {ClientId} obtained its first token; its registration is kept.")]
    private static partial void LogKept(ILogger logger, string clientId);
}
