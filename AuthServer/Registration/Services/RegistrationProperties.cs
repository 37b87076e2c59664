using McpAspire.AuthServer.Persistence.Infrastructure;
using McpAspire.AuthServer.Registration.Model;

namespace McpAspire.AuthServer.Registration.Services;

/// <summary>
/// What a registration keeps in the OpenIddict application's <c>Properties</c> beyond OpenIddict's own fields.
/// </summary>
public static class RegistrationProperties
{
    /// <summary>
    /// Unix seconds after which the persistence layer deletes the application (DynamoDB TTL) unless this
    /// property was removed first; the token endpoint removes it on the client's first token. Registrations that
    /// are never used expire, used ones stay.
    /// </summary>
    public const string UnusedRegistrationExpiresAt = TtlPolicy.UnusedRegistrationExpiresAt;

    /// <summary>SHA-256 (base64url) of the RFC 7592 registration access token; the token itself is never stored.</summary>
    public const string RegistrationAccessTokenHash = "registration_access_token_hash";

    /// <summary>Unix seconds at which the client id was issued (RFC 7591 <c>client_id_issued_at</c>).</summary>
    public const string ClientIdIssuedAt = "client_id_issued_at";

    /// <summary>The accepted client metadata (<see cref="ClientMetadata"/>), echoed by RFC 7592 reads.</summary>
    public const string ClientMetadata = "client_metadata";

    /// <summary>Present (true) on applications created from a Client ID Metadata Document.</summary>
    public const string FromMetadataDocument = "client_id_metadata_document";

    public static JsonElement Number(long value) => JsonSerializer.SerializeToElement(value);

    public static JsonElement Text(string value) => JsonSerializer.SerializeToElement(value);

    public static JsonElement Metadata(ClientMetadata metadata) => JsonSerializer.SerializeToElement(metadata);

    public static ClientMetadata? ReadMetadata(IReadOnlyDictionary<string, JsonElement> properties)
        => properties.TryGetValue(ClientMetadata, out var value) && value.ValueKind == JsonValueKind.Object
            ? value.Deserialize<ClientMetadata>()
            : null;

    public static long? ReadNumber(IReadOnlyDictionary<string, JsonElement> properties, string name)
        => properties.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;

    public static string? ReadText(IReadOnlyDictionary<string, JsonElement> properties, string name)
        => properties.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
