namespace McpAspire.AuthServer.ClientAuthentication;

public static class ClientAuthenticationExtensions
{
    /// <summary>Client secrets verified once are not derived again for a few minutes (<see cref="VerifiedClientSecrets"/>).</summary>
    public static OpenIddictCoreBuilder RememberVerifiedClientSecrets(this OpenIddictCoreBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<VerifiedClientSecrets>();
        return builder.ReplaceApplicationManager(typeof(VerifiedSecretsApplicationManager<>));
    }
}
