using System.Text.Json.Serialization;

namespace McpAspire.AuthServer.Registration.Model;

/// <summary>
/// The client information response (RFC 7591 §3.2.1, RFC 7592 §3): the identifiers and credentials issued,
/// followed by the accepted metadata.
/// </summary>
public sealed record ClientInformationResponse
{
    [JsonPropertyName("client_id")]
    public required string ClientId { get; init; }

    [JsonPropertyName("client_id_issued_at")]
    public required long ClientIdIssuedAt { get; init; }

    /// <summary>Only in the response to the registration itself: the server keeps nothing but a hash of it.</summary>
    [JsonPropertyName("client_secret")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientSecret { get; init; }

    /// <summary>0 (never expires) for confidential clients; absent for public ones.</summary>
    [JsonPropertyName("client_secret_expires_at")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ClientSecretExpiresAt { get; init; }

    [JsonPropertyName("registration_access_token")]
    public required string RegistrationAccessToken { get; init; }

    [JsonPropertyName("registration_client_uri")]
    public required string RegistrationClientUri { get; init; }

    [JsonPropertyName("redirect_uris")]
    public required IReadOnlyList<string> RedirectUris { get; init; }

    [JsonPropertyName("token_endpoint_auth_method")]
    public required string TokenEndpointAuthMethod { get; init; }

    [JsonPropertyName("grant_types")]
    public required IReadOnlyList<string> GrantTypes { get; init; }

    [JsonPropertyName("response_types")]
    public required IReadOnlyList<string> ResponseTypes { get; init; }

    [JsonPropertyName("application_type")]
    public required string ApplicationType { get; init; }

    [JsonPropertyName("client_name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientName { get; init; }

    [JsonPropertyName("scope")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Scope { get; init; }

    [JsonPropertyName("client_uri")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientUri { get; init; }

    [JsonPropertyName("logo_uri")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LogoUri { get; init; }

    [JsonPropertyName("tos_uri")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TosUri { get; init; }

    [JsonPropertyName("policy_uri")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PolicyUri { get; init; }

    [JsonPropertyName("contacts")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Contacts { get; init; }

    [JsonPropertyName("software_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SoftwareId { get; init; }

    [JsonPropertyName("software_version")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SoftwareVersion { get; init; }

    public static ClientInformationResponse Create(
        string clientId, long issuedAt, ClientMetadata metadata, string registrationAccessToken, string registrationClientUri, string? clientSecret) => new()
    {
        ClientId = clientId,
        ClientIdIssuedAt = issuedAt,
        ClientSecret = clientSecret,
        ClientSecretExpiresAt = metadata.IsConfidential ? 0 : null,
        RegistrationAccessToken = registrationAccessToken,
        RegistrationClientUri = registrationClientUri,
        RedirectUris = metadata.RedirectUris,
        TokenEndpointAuthMethod = metadata.TokenEndpointAuthMethod,
        GrantTypes = metadata.GrantTypes,
        ResponseTypes = metadata.ResponseTypes,
        ApplicationType = metadata.ApplicationType,
        ClientName = metadata.ClientName,
        Scope = metadata.Scope,
        ClientUri = metadata.ClientUri,
        LogoUri = metadata.LogoUri,
        TosUri = metadata.TosUri,
        PolicyUri = metadata.PolicyUri,
        Contacts = metadata.Contacts,
        SoftwareId = metadata.SoftwareId,
        SoftwareVersion = metadata.SoftwareVersion,
    };
}
