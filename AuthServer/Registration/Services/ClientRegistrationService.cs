using McpAspire.AuthServer.Registration.Model;

namespace McpAspire.AuthServer.Registration.Services;

/// <summary>The outcome of an RFC 7592 update: the new client information, or the error to answer with.</summary>
public sealed record ClientUpdateResult(ClientInformationResponse? Client, RegistrationError? Error);

/// <summary>
/// Dynamic client registration (RFC 7591) and its management (RFC 7592) on top of OpenIddict's application
/// manager. Written by hand: OpenIddict 7.8 has no registration endpoint.
/// </summary>
public sealed partial class ClientRegistrationService(
    IOpenIddictApplicationManager applications,
    ApplicationDescriptorFactory descriptors,
    IOptionsMonitor<RegistrationOptions> options,
    TimeProvider time,
    ILogger<ClientRegistrationService> logger)
{
    /// <summary>Registers a new client; the answer carries the only copy of its secret and access token.</summary>
    public async Task<ClientInformationResponse> RegisterAsync(ClientMetadata metadata, Uri registrationEndpoint, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var clientId = RegistrationAccessTokens.NewClientId();
        var clientSecret = metadata.IsConfidential ? RegistrationAccessTokens.NewCredential() : null;
        var accessToken = RegistrationAccessTokens.NewCredential();
        var issuedAt = now.ToUnixTimeSeconds();

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            // OpenIddict stores only a hash of the secret.
            ClientSecret = clientSecret,
        };
        descriptors.Apply(metadata, descriptor);
        descriptor.Properties[RegistrationProperties.UnusedRegistrationExpiresAt] =
            RegistrationProperties.Number((now + options.CurrentValue.UnusedRegistrationLifetime).ToUnixTimeSeconds());
        descriptor.Properties[RegistrationProperties.RegistrationAccessTokenHash] = RegistrationProperties.Text(RegistrationAccessTokens.Hash(accessToken));
        descriptor.Properties[RegistrationProperties.ClientIdIssuedAt] = RegistrationProperties.Number(issuedAt);
        descriptor.Properties[RegistrationProperties.ClientMetadata] = RegistrationProperties.Metadata(metadata);

        await applications.CreateAsync(descriptor, cancellationToken);
        LogRegistered(logger, clientId, metadata.TokenEndpointAuthMethod, metadata.ApplicationType);

        return ClientInformationResponse.Create(clientId, issuedAt, metadata, accessToken, ClientUri(registrationEndpoint, clientId), clientSecret);
    }

    /// <summary>
    /// The dynamically registered application <paramref name="clientId"/> when <paramref name="accessToken"/> is
    /// its registration access token; null otherwise, without saying which part was wrong (RFC 7592 §2).
    /// </summary>
    public async Task<object?> AuthenticateAsync(string clientId, string? accessToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(accessToken))
        {
            return null;
        }

        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null)
        {
            // Compared anyway, so an unknown client id takes as long to refuse as a wrong token.
            RegistrationAccessTokens.Matches(accessToken, RegistrationAccessTokens.Hash(clientId));
            return null;
        }

        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        var storedHash = RegistrationProperties.ReadText(properties, RegistrationProperties.RegistrationAccessTokenHash);
        return RegistrationAccessTokens.Matches(accessToken, storedHash) ? application : null;
    }

    /// <summary>RFC 7592 §2.1: the client's current registration (its secret is not kept, so not returned).</summary>
    public async Task<ClientInformationResponse> ReadAsync(object application, string accessToken, Uri registrationEndpoint, CancellationToken cancellationToken)
    {
        var clientId = (await applications.GetClientIdAsync(application, cancellationToken))!;
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        var metadata = RegistrationProperties.ReadMetadata(properties)
            ?? throw new InvalidOperationException($"The registration of client '{clientId}' has no stored metadata.");
        var issuedAt = RegistrationProperties.ReadNumber(properties, RegistrationProperties.ClientIdIssuedAt) ?? 0;
        return ClientInformationResponse.Create(clientId, issuedAt, metadata, accessToken, ClientUri(registrationEndpoint, clientId), clientSecret: null);
    }

    /// <summary>
    /// RFC 7592 §2.2: replaces the client's metadata. The body must name the same client id, may repeat the
    /// current secret, and cannot turn a public client into a confidential one or back.
    /// </summary>
    public async Task<ClientUpdateResult> UpdateAsync(
        object application, JsonElement body, ClientMetadata metadata, string accessToken, Uri registrationEndpoint, CancellationToken cancellationToken)
    {
        var clientId = (await applications.GetClientIdAsync(application, cancellationToken))!;
        if (!body.TryGetProperty("client_id", out var bodyClientId) || bodyClientId.ValueKind != JsonValueKind.String ||
            !string.Equals(bodyClientId.GetString(), clientId, StringComparison.Ordinal))
        {
            return Refused("The request must contain this client's client_id.");
        }

        var isConfidential = await applications.HasClientTypeAsync(application, OpenIddictConstants.ClientTypes.Confidential, cancellationToken);
        if (isConfidential != metadata.IsConfidential)
        {
            return Refused("token_endpoint_auth_method cannot change between a public (\"none\") and a confidential method; register a new client instead.");
        }

        if (body.TryGetProperty("client_secret", out var bodySecret) && bodySecret.ValueKind != JsonValueKind.Null &&
            (bodySecret.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(bodySecret.GetString()) || !isConfidential ||
             !await applications.ValidateClientSecretAsync(application, bodySecret.GetString()!, cancellationToken)))
        {
            return Refused("client_secret does not match the secret issued to this client (a client cannot choose its secret).");
        }

        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, cancellationToken);
        descriptors.Apply(metadata, descriptor);
        descriptor.Properties[RegistrationProperties.ClientMetadata] = RegistrationProperties.Metadata(metadata);
        await applications.UpdateAsync(application, descriptor, cancellationToken);
        LogUpdated(logger, clientId);

        var issuedAt = RegistrationProperties.ReadNumber(descriptor.Properties.ToImmutableDictionary(), RegistrationProperties.ClientIdIssuedAt) ?? 0;
        return new ClientUpdateResult(
            ClientInformationResponse.Create(clientId, issuedAt, metadata, accessToken, ClientUri(registrationEndpoint, clientId), clientSecret: null),
            null);

        static ClientUpdateResult Refused(string description) => new(null, RegistrationError.InvalidClientMetadata(description));
    }

    /// <summary>RFC 7592 §2.3: deletes the client; its registration access token dies with it.</summary>
    public async Task DeleteAsync(object application, CancellationToken cancellationToken)
    {
        var clientId = await applications.GetClientIdAsync(application, cancellationToken);
        await applications.DeleteAsync(application, cancellationToken);
        LogDeleted(logger, clientId);
    }

    /// <summary>The RFC 7592 client configuration endpoint of <paramref name="clientId"/>.</summary>
    public static string ClientUri(Uri registrationEndpoint, string clientId)
        => $"{registrationEndpoint.AbsoluteUri.TrimEnd('/')}/{Uri.EscapeDataString(clientId)}";

    [LoggerMessage(LogLevel.Information, "Registered client {ClientId} ({AuthMethod}, {ApplicationType})")]
    private static partial void LogRegistered(ILogger logger, string clientId, string authMethod, string applicationType);

    [LoggerMessage(LogLevel.Information, "Updated the registration of client {ClientId}")]
    private static partial void LogUpdated(ILogger logger, string clientId);

    [LoggerMessage(LogLevel.Information, "Deleted the registration of client {ClientId}")]
    private static partial void LogDeleted(ILogger logger, string? clientId);
}
