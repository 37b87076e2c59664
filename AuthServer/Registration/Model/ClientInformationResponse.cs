using System.Text.Json.Serialization;

namespace McpAspire.AuthServer.Registration.Model;

/// <summary>
/// The client information response (RFC 7591 §3.2.1, RFC 7592 §3): the identifiers and credentials issued,
/// followed by the accepted metadata (written inline from <see cref="ClientMetadata"/>, so the two cannot drift).
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

    /// <summary>The accepted metadata, member by member (<c>redirect_uris</c>, <c>grant_types</c>, ...).</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement> Metadata { get; init; } = new Dictionary<string, JsonElement>();

    public static ClientInformationResponse Create(
        string clientId, long issuedAt, ClientMetadata metadata, string registrationAccessToken, string registrationClientUri, string? clientSecret) => new()
    {
        ClientId = clientId,
        ClientIdIssuedAt = issuedAt,
        ClientSecret = clientSecret,
        ClientSecretExpiresAt = metadata.IsConfidential ? 0 : null,
        RegistrationAccessToken = registrationAccessToken,
        RegistrationClientUri = registrationClientUri,
        Metadata = JsonSerializer.SerializeToElement(metadata).EnumerateObject().ToDictionary(member => member.Name, member => member.Value.Clone()),
    };
}
