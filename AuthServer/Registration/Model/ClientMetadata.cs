using System.Text.Json.Serialization;

namespace McpAspire.AuthServer.Registration.Model;

/// <summary>
/// Client metadata as accepted (RFC 7591 §2): what a registration or a Client ID Metadata Document asked for,
/// after validation and defaults. It is stored with the application and echoed in every registration response.
/// </summary>
public sealed record ClientMetadata
{
    [JsonPropertyName("redirect_uris")]
    public IReadOnlyList<string> RedirectUris { get; init; } = [];

    [JsonPropertyName("token_endpoint_auth_method")]
    public string TokenEndpointAuthMethod { get; init; } = ClientAuthMethods.None;

    [JsonPropertyName("grant_types")]
    public IReadOnlyList<string> GrantTypes { get; init; } = [];

    [JsonPropertyName("response_types")]
    public IReadOnlyList<string> ResponseTypes { get; init; } = [];

    /// <summary>OpenID Connect Dynamic Client Registration <c>application_type</c>: <c>web</c> or <c>native</c>.</summary>
    [JsonPropertyName("application_type")]
    public string ApplicationType { get; init; } = ClientApplicationTypes.Web;

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

    /// <summary>Whether the client authenticates with a secret (and so is issued one).</summary>
    [JsonIgnore]
    public bool IsConfidential => TokenEndpointAuthMethod is not ClientAuthMethods.None;
}

/// <summary>The <c>token_endpoint_auth_method</c> values this server supports.</summary>
public static class ClientAuthMethods
{
    public const string None = "none";
    public const string ClientSecretBasic = "client_secret_basic";
    public const string ClientSecretPost = "client_secret_post";

    public static readonly IReadOnlyList<string> Supported = [None, ClientSecretBasic, ClientSecretPost];
}

/// <summary>The <c>application_type</c> values (OpenID Connect Dynamic Client Registration §2).</summary>
public static class ClientApplicationTypes
{
    public const string Web = "web";
    public const string Native = "native";
}

/// <summary>The grant and response types a client may register.</summary>
public static class ClientGrantTypes
{
    public const string AuthorizationCode = "authorization_code";
    public const string RefreshToken = "refresh_token";
    public const string ClientCredentials = "client_credentials";
    public const string CodeResponseType = "code";

    /// <summary>
    /// What anonymous registration may ask for: grants that act for a user who signs in and consents. A client
    /// acting for itself (<c>client_credentials</c>) would reach Jenkins with no person behind it, so such
    /// clients are provisioned by an administrator (<see cref="MachineClients.MachineClientService"/>), never registered by strangers.
    /// </summary>
    public static readonly IReadOnlyList<string> Supported = [AuthorizationCode, RefreshToken];
}
