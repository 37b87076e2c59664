using System.Text.Json;
using McpAspire.AuthServer.Registration.Model;
using McpAspire.AuthServer.Server;

namespace McpAspire.AuthServer.Registration.Validation;

/// <summary>Where client metadata comes from: the rules differ slightly.</summary>
public enum ClientMetadataSource
{
    /// <summary>An RFC 7591 registration request (or an RFC 7592 update).</summary>
    Registration,

    /// <summary>A Client ID Metadata Document: always a public client, no secret.</summary>
    MetadataDocument,
}

/// <summary>The outcome of validating client metadata: the accepted metadata, or the error to answer with.</summary>
public sealed record ClientMetadataValidation(ClientMetadata? Metadata, RegistrationError? Error)
{
    public static ClientMetadataValidation Valid(ClientMetadata metadata) => new(metadata, null);

    public static ClientMetadataValidation Invalid(RegistrationError error) => new(null, error);
}

/// <summary>
/// Validates client metadata (RFC 7591 §2) field by field, applies the defaults, and refuses with the exact
/// RFC 7591 error code. Written by hand: OpenIddict 7.8 has no registration endpoint. Fields the server does
/// not understand are ignored, as RFC 7591 §2 requires.
/// </summary>
public sealed class ClientMetadataValidator(int maxRedirectUris, int maxRedirectUriLength, int maxClientNameLength)
{
    private const int MaxShortStringLength = 256;
    private const int MaxContacts = 10;

    private static readonly JsonDocumentOptions ParsingOptions = new()
    {
        // A duplicated member would let two readers of the same body disagree on its meaning.
        AllowDuplicateProperties = false,
        MaxDepth = 8,
    };

    public ClientMetadataValidator(RegistrationOptions options)
        : this(options.MaxRedirectUris, options.MaxRedirectUriLength, options.MaxClientNameLength)
    {
    }

    /// <summary>Parses and validates a UTF-8 JSON body.</summary>
    public ClientMetadataValidation Validate(ReadOnlyMemory<byte> json, ClientMetadataSource source)
    {
        using var document = Parse(json);
        return document is null ? MalformedJson : Validate(document.RootElement, source);
    }

    /// <summary>The refusal of a body that <see cref="Parse"/> cannot read.</summary>
    public static ClientMetadataValidation MalformedJson { get; } =
        Invalid("The request body is not well-formed JSON (or repeats a member).");

    /// <summary>Parses a UTF-8 JSON body strictly (no duplicate members, shallow); null when it is malformed.</summary>
    public static JsonDocument? Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            return JsonDocument.Parse(json, ParsingOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Validates an already parsed JSON value.</summary>
    public ClientMetadataValidation Validate(JsonElement root, ClientMetadataSource source)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Invalid("The client metadata must be a JSON object.");
        }

        var fields = new Fields(root);

        if (source == ClientMetadataSource.MetadataDocument && fields.Has("client_secret"))
        {
            return Invalid("A client metadata document must not contain a client_secret.");
        }

        // token_endpoint_auth_method: RFC 7591 defaults to client_secret_basic; a metadata document describes a
        // public client, so "none".
        if (!fields.TryGetString("token_endpoint_auth_method", out var authMethod, out var error))
        {
            return Invalid(error);
        }

        authMethod ??= source == ClientMetadataSource.Registration ? ClientAuthMethods.ClientSecretBasic : ClientAuthMethods.None;
        if (!ClientAuthMethods.Supported.Contains(authMethod, StringComparer.Ordinal))
        {
            return Invalid($"token_endpoint_auth_method \"{authMethod}\" is not supported; use one of: {string.Join(", ", ClientAuthMethods.Supported)}.");
        }

        if (source == ClientMetadataSource.MetadataDocument && authMethod != ClientAuthMethods.None)
        {
            return Invalid("A client identified by a metadata document is a public client: token_endpoint_auth_method must be \"none\".");
        }

        // grant_types and response_types, with defaults that keep them consistent (RFC 7591 §2.1).
        if (!fields.TryGetStringArray("grant_types", out var grantTypes, out error) ||
            !fields.TryGetStringArray("response_types", out var responseTypes, out error))
        {
            return Invalid(error);
        }

        grantTypes ??= responseTypes is null || responseTypes.Contains(ClientGrantTypes.CodeResponseType, StringComparer.Ordinal)
            ? [ClientGrantTypes.AuthorizationCode]
            : [];
        responseTypes ??= grantTypes.Contains(ClientGrantTypes.AuthorizationCode, StringComparer.Ordinal)
            ? [ClientGrantTypes.CodeResponseType]
            : [];
        grantTypes = [.. grantTypes.Distinct(StringComparer.Ordinal)];
        responseTypes = [.. responseTypes.Distinct(StringComparer.Ordinal)];

        if (grantTypes.Count == 0)
        {
            return Invalid("grant_types must name at least one grant type.");
        }

        if (grantTypes.Contains(ClientGrantTypes.ClientCredentials, StringComparer.Ordinal))
        {
            return Invalid("The client_credentials grant is not open to registration: a machine client is created by an administrator, with the scopes it is granted.");
        }

        var unknownGrant = grantTypes.FirstOrDefault(grant => !ClientGrantTypes.Supported.Contains(grant, StringComparer.Ordinal));
        if (unknownGrant is not null)
        {
            return Invalid($"grant_type \"{unknownGrant}\" is not supported; use one of: {string.Join(", ", ClientGrantTypes.Supported)}.");
        }

        var unknownResponse = responseTypes.FirstOrDefault(type => type != ClientGrantTypes.CodeResponseType);
        if (unknownResponse is not null)
        {
            return Invalid($"response_type \"{unknownResponse}\" is not supported; only \"code\" is.");
        }

        var usesCode = grantTypes.Contains(ClientGrantTypes.AuthorizationCode, StringComparer.Ordinal);
        if (usesCode != responseTypes.Contains(ClientGrantTypes.CodeResponseType, StringComparer.Ordinal))
        {
            return Invalid("grant_types and response_types are inconsistent: the authorization_code grant goes with the \"code\" response type, and only with it.");
        }

        if (grantTypes.Contains(ClientGrantTypes.RefreshToken, StringComparer.Ordinal) && !usesCode)
        {
            return Invalid("The refresh_token grant is only issued with the authorization_code grant.");
        }

        // redirect_uris: required by every client that uses the authorization code.
        var redirectUris = new List<string>();
        if (fields.Has("redirect_uris"))
        {
            var element = fields.Get("redirect_uris");
            if (element.ValueKind != JsonValueKind.Array)
            {
                return InvalidRedirectUri("redirect_uris must be an array of strings.");
            }

            if (element.GetArrayLength() > maxRedirectUris)
            {
                return Invalid($"At most {maxRedirectUris} redirect URIs may be registered.");
            }

            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    return InvalidRedirectUri("redirect_uris must be an array of strings.");
                }

                var value = item.GetString()!;
                var problem = RedirectUriRules.Check(value, maxRedirectUriLength);
                if (problem is not null)
                {
                    return InvalidRedirectUri(problem);
                }

                if (!redirectUris.Contains(value, StringComparer.Ordinal))
                {
                    redirectUris.Add(value);
                }
            }
        }

        if (usesCode && redirectUris.Count == 0)
        {
            return InvalidRedirectUri("redirect_uris is required for the authorization_code grant.");
        }

        // application_type: a client with loopback redirect URIs is a native application whatever it declared,
        // so that its loopback redirect URIs match on any port (RFC 8252 §7.3).
        if (!fields.TryGetString("application_type", out var applicationType, out error))
        {
            return Invalid(error);
        }

        if (applicationType is not null and not ClientApplicationTypes.Web and not ClientApplicationTypes.Native)
        {
            return Invalid("application_type must be \"web\" or \"native\".");
        }

        var hasLoopbackRedirect = redirectUris.Any(uri => RedirectUriRules.IsLoopbackHttp(new Uri(uri)));
        applicationType = hasLoopbackRedirect ? ClientApplicationTypes.Native : applicationType ?? ClientApplicationTypes.Web;

        // Display and informational fields.
        if (!fields.TryGetString("client_name", out var clientName, out error))
        {
            return Invalid(error);
        }

        // Shown to people on the consent page: no control characters, and no invisible or direction-changing ones
        // (bidi overrides, zero-width joiners: Unicode category Cf) that make one name look like another.
        if (clientName is not null && (clientName.Length > maxClientNameLength || string.IsNullOrWhiteSpace(clientName) ||
            clientName.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)))
        {
            return Invalid($"client_name must be 1 to {maxClientNameLength} printable characters, without invisible or direction-changing ones.");
        }

        if (!fields.TryGetString("scope", out var scope, out error))
        {
            return Invalid(error);
        }

        if (!TryGetWebUri(fields, "client_uri", out var clientUri, out error) ||
            !TryGetWebUri(fields, "logo_uri", out var logoUri, out error) ||
            !TryGetWebUri(fields, "tos_uri", out var tosUri, out error) ||
            !TryGetWebUri(fields, "policy_uri", out var policyUri, out error) ||
            !fields.TryGetString("software_id", out var softwareId, out error, MaxShortStringLength) ||
            !fields.TryGetString("software_version", out var softwareVersion, out error, MaxShortStringLength) ||
            !fields.TryGetStringArray("contacts", out var contacts, out error, MaxShortStringLength))
        {
            return Invalid(error);
        }

        if (contacts is { Count: > MaxContacts })
        {
            return Invalid($"At most {MaxContacts} contacts may be registered.");
        }

        return ClientMetadataValidation.Valid(new ClientMetadata
        {
            RedirectUris = redirectUris,
            TokenEndpointAuthMethod = authMethod,
            GrantTypes = grantTypes,
            ResponseTypes = responseTypes,
            ApplicationType = applicationType,
            ClientName = clientName,
            Scope = AcceptedScope(scope),
            ClientUri = clientUri,
            LogoUri = logoUri,
            TosUri = tosUri,
            PolicyUri = policyUri,
            Contacts = contacts,
            SoftwareId = softwareId,
            SoftwareVersion = softwareVersion,
        });
    }

    /// <summary>
    /// The registered scope is informational (RFC 7591 lets the server narrow it): the scopes this server knows,
    /// in the client's order; null when none is left. Unknown names are dropped rather than refused, because
    /// clients register whatever scopes they were built with and ask at authorization time.
    /// </summary>
    private static string? AcceptedScope(string? requested)
    {
        if (requested is null)
        {
            return null;
        }

        var known = requested.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(name => McpScopes.Supported.Contains(name, StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return known.Length == 0 ? null : string.Join(' ', known);
    }

    /// <summary>A link shown to people: an absolute http(s) URL, so never <c>javascript:</c> or <c>data:</c>.</summary>
    private bool TryGetWebUri(Fields fields, string name, out string? value, out string error)
    {
        if (!fields.TryGetString(name, out value, out error, maxRedirectUriLength))
        {
            return false;
        }

        if (value is not null &&
            (!Uri.TryCreate(value, UriKind.Absolute, out var uri) ||
             (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) ||
             !string.IsNullOrEmpty(uri.UserInfo)))
        {
            error = $"{name} must be an absolute http or https URL.";
            return false;
        }

        return true;
    }

    private static ClientMetadataValidation Invalid(string description)
        => ClientMetadataValidation.Invalid(RegistrationError.InvalidClientMetadata(description));

    private static ClientMetadataValidation InvalidRedirectUri(string description)
        => ClientMetadataValidation.Invalid(RegistrationError.InvalidRedirectUri(description));

    /// <summary>Typed, null-tolerant access to the members of the metadata object (JSON null means absent).</summary>
    private readonly struct Fields(JsonElement root)
    {
        public bool Has(string name) => root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

        public JsonElement Get(string name) => root.GetProperty(name);

        public bool TryGetString(string name, out string? value, out string error, int maxLength = 4096)
        {
            value = null;
            error = "";
            if (!Has(name))
            {
                return true;
            }

            var element = Get(name);
            if (element.ValueKind != JsonValueKind.String)
            {
                error = $"{name} must be a string.";
                return false;
            }

            value = element.GetString()!;
            if (value.Length > maxLength)
            {
                error = $"{name} must not be longer than {maxLength} characters.";
                return false;
            }

            return true;
        }

        public bool TryGetStringArray(string name, out List<string>? values, out string error, int maxItemLength = 256)
        {
            values = null;
            error = "";
            if (!Has(name))
            {
                return true;
            }

            var element = Get(name);
            if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
            {
                error = $"{name} must be an array of strings.";
                return false;
            }

            values = [.. element.EnumerateArray().Select(item => item.GetString()!)];
            if (values.Count > 32 || values.Any(item => item.Length > maxItemLength))
            {
                error = $"{name} has too many or too long entries.";
                return false;
            }

            return true;
        }
    }
}
