using System.Text.Json.Serialization;

namespace McpAspire.AuthServer.Registration.Model;

/// <summary>An RFC 7591 §3.2.2 error response body.</summary>
public sealed record RegistrationError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription)
{
    public static RegistrationError InvalidRedirectUri(string description) => new(RegistrationErrorCodes.InvalidRedirectUri, description);

    public static RegistrationError InvalidClientMetadata(string description) => new(RegistrationErrorCodes.InvalidClientMetadata, description);
}

/// <summary>The error codes of RFC 7591 §3.2.2 and RFC 6750 §3.1 used by the registration endpoints.</summary>
public static class RegistrationErrorCodes
{
    public const string InvalidRedirectUri = "invalid_redirect_uri";
    public const string InvalidClientMetadata = "invalid_client_metadata";
    public const string InvalidToken = "invalid_token";

    /// <summary>RFC 6749's code for "try later", sent with 429 when a registration quota is used up.</summary>
    public const string TemporarilyUnavailable = "temporarily_unavailable";
}
