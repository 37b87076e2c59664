using McpAspire.AuthServer.Registration.Model;

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

    /// <summary>Validates an already parsed JSON value, one field (or pair of related fields) at a time.</summary>
    public ClientMetadataValidation Validate(JsonElement root, ClientMetadataSource source)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Invalid("The client metadata must be a JSON object.");
        }

        var fields = new MetadataFields(root);
        if (source == ClientMetadataSource.MetadataDocument && fields.Has("client_secret"))
        {
            return Invalid("A client metadata document must not contain a client_secret.");
        }

        return CheckAuthMethod(fields, source, out var authMethod)
            ?? CheckGrantAndResponseTypes(fields, out var grantTypes, out var responseTypes)
            ?? CheckRedirectUris(fields, grantTypes, out var redirectUris)
            ?? CheckApplicationType(fields, redirectUris, out var applicationType)
            ?? CheckClientName(fields, out var clientName)
            ?? CheckInformationalFields(fields, out var information)
            ?? ClientMetadataValidation.Valid(information with
            {
                RedirectUris = redirectUris,
                TokenEndpointAuthMethod = authMethod,
                GrantTypes = grantTypes,
                ResponseTypes = responseTypes,
                ApplicationType = applicationType,
                ClientName = clientName,
            });
    }

    /// <summary>
    /// token_endpoint_auth_method: RFC 7591 defaults to client_secret_basic; a metadata document describes a public
    /// client, so "none".
    /// </summary>
    private static ClientMetadataValidation? CheckAuthMethod(MetadataFields fields, ClientMetadataSource source, out string authMethod)
    {
        authMethod = "";
        if (!fields.TryGetString("token_endpoint_auth_method", out var requested, out var error))
        {
            return Invalid(error);
        }

        authMethod = requested ?? (source == ClientMetadataSource.Registration ? ClientAuthMethods.ClientSecretBasic : ClientAuthMethods.None);
        if (!ClientAuthMethods.Supported.Contains(authMethod, StringComparer.Ordinal))
        {
            return Invalid($"token_endpoint_auth_method \"{authMethod}\" is not supported; use one of: {string.Join(", ", ClientAuthMethods.Supported)}.");
        }

        return source == ClientMetadataSource.MetadataDocument && authMethod != ClientAuthMethods.None
            ? Invalid("A client identified by a metadata document is a public client: token_endpoint_auth_method must be \"none\".")
            : null;
    }

    /// <summary>grant_types and response_types, with defaults that keep them consistent (RFC 7591 §2.1).</summary>
    private static ClientMetadataValidation? CheckGrantAndResponseTypes(MetadataFields fields, out List<string> grantTypes, out List<string> responseTypes)
    {
        grantTypes = [];
        responseTypes = [];
        if (!fields.TryGetStringArray("grant_types", out var requestedGrants, out var error) ||
            !fields.TryGetStringArray("response_types", out var requestedResponses, out error))
        {
            return Invalid(error);
        }

        requestedGrants ??= requestedResponses is null || requestedResponses.Contains(ClientGrantTypes.CodeResponseType, StringComparer.Ordinal)
            ? [ClientGrantTypes.AuthorizationCode]
            : [];
        requestedResponses ??= requestedGrants.Contains(ClientGrantTypes.AuthorizationCode, StringComparer.Ordinal)
            ? [ClientGrantTypes.CodeResponseType]
            : [];
        grantTypes = [.. requestedGrants.Distinct(StringComparer.Ordinal)];
        responseTypes = [.. requestedResponses.Distinct(StringComparer.Ordinal)];

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

        var usesCode = UsesCode(grantTypes);
        if (usesCode != responseTypes.Contains(ClientGrantTypes.CodeResponseType, StringComparer.Ordinal))
        {
            return Invalid("grant_types and response_types are inconsistent: the authorization_code grant goes with the \"code\" response type, and only with it.");
        }

        return grantTypes.Contains(ClientGrantTypes.RefreshToken, StringComparer.Ordinal) && !usesCode
            ? Invalid("The refresh_token grant is only issued with the authorization_code grant.")
            : null;
    }

    /// <summary>redirect_uris: required by every client that uses the authorization code; duplicates dropped.</summary>
    private ClientMetadataValidation? CheckRedirectUris(MetadataFields fields, List<string> grantTypes, out List<string> redirectUris)
    {
        redirectUris = [];
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

        return UsesCode(grantTypes) && redirectUris.Count == 0
            ? InvalidRedirectUri("redirect_uris is required for the authorization_code grant.")
            : null;
    }

    /// <summary>
    /// application_type: a client with loopback redirect URIs is a native application whatever it declared, so
    /// that its loopback redirect URIs match on any port (RFC 8252 §7.3).
    /// </summary>
    private static ClientMetadataValidation? CheckApplicationType(MetadataFields fields, List<string> redirectUris, out string applicationType)
    {
        applicationType = "";
        if (!fields.TryGetString("application_type", out var declared, out var error))
        {
            return Invalid(error);
        }

        if (declared is not null and not ClientApplicationTypes.Web and not ClientApplicationTypes.Native)
        {
            return Invalid("application_type must be \"web\" or \"native\".");
        }

        var hasLoopbackRedirect = redirectUris.Any(uri => RedirectUriRules.IsLoopbackHttp(new Uri(uri)));
        applicationType = hasLoopbackRedirect ? ClientApplicationTypes.Native : declared ?? ClientApplicationTypes.Web;
        return null;
    }

    /// <summary>
    /// client_name is shown to people on the consent page: no control characters, and no invisible or
    /// direction-changing ones (bidi overrides, zero-width joiners: Unicode category Cf) that make one name look
    /// like another.
    /// </summary>
    private ClientMetadataValidation? CheckClientName(MetadataFields fields, out string? clientName)
    {
        if (!fields.TryGetString("client_name", out clientName, out var error))
        {
            return Invalid(error);
        }

        return clientName is not null && (clientName.Length > maxClientNameLength || string.IsNullOrWhiteSpace(clientName) ||
            clientName.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format))
            ? Invalid($"client_name must be 1 to {maxClientNameLength} printable characters, without invisible or direction-changing ones.")
            : null;
    }

    /// <summary>The informational fields: scope, links shown to people, software identity and contacts.</summary>
    private ClientMetadataValidation? CheckInformationalFields(MetadataFields fields, out ClientMetadata information)
    {
        information = new ClientMetadata();
        if (!fields.TryGetString("scope", out var scope, out var error) ||
            !TryGetWebUri(fields, "client_uri", out var clientUri, out error) ||
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

        information = new ClientMetadata
        {
            Scope = AcceptedScope(scope),
            ClientUri = clientUri,
            LogoUri = logoUri,
            TosUri = tosUri,
            PolicyUri = policyUri,
            Contacts = contacts,
            SoftwareId = softwareId,
            SoftwareVersion = softwareVersion,
        };
        return null;
    }

    private static bool UsesCode(List<string> grantTypes) => grantTypes.Contains(ClientGrantTypes.AuthorizationCode, StringComparer.Ordinal);

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
    private bool TryGetWebUri(MetadataFields fields, string name, out string? value, out string error)
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
}
