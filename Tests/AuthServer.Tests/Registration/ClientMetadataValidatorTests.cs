using McpAspire.AuthServer.Registration.Model;
using McpAspire.AuthServer.Registration.Validation;

namespace McpAspire.AuthServer.Tests.Registration;

public sealed class ClientMetadataValidatorTests
{
    private readonly ClientMetadataValidator _validator = new(maxRedirectUris: 3, maxRedirectUriLength: 100, maxClientNameLength: 40);

    private ClientMetadataValidation Validate(string json, ClientMetadataSource source = ClientMetadataSource.Registration)
        => _validator.Validate(Encoding.UTF8.GetBytes(json), source);

    private ClientMetadata Accepted(string json, ClientMetadataSource source = ClientMetadataSource.Registration)
    {
        var result = Validate(json, source);
        Assert.True(result.Error is null, result.Error?.ErrorDescription);
        return result.Metadata!;
    }

    private void AssertRefused(string expectedError, string json, ClientMetadataSource source = ClientMetadataSource.Registration)
    {
        var result = Validate(json, source);
        Assert.Null(result.Metadata);
        Assert.NotNull(result.Error);
        Assert.Equal(expectedError, result.Error.Error);
        Assert.False(string.IsNullOrWhiteSpace(result.Error.ErrorDescription));
    }

    [Fact]
    public void A_public_native_client_as_mcp_clients_register_it_is_accepted_as_sent()
    {
        var metadata = Accepted("""
            {"client_name":"Q DEV CLI","redirect_uris":["http://127.0.0.1:49152/callback"],
             "grant_types":["authorization_code","refresh_token"],"response_types":["code"],
             "token_endpoint_auth_method":"none","scope":"openid email profile offline_access"}
            """);

        Assert.Equal("Q DEV CLI", metadata.ClientName);
        Assert.Equal(["http://127.0.0.1:49152/callback"], metadata.RedirectUris);
        Assert.Equal(["authorization_code", "refresh_token"], metadata.GrantTypes);
        Assert.Equal(["code"], metadata.ResponseTypes);
        Assert.Equal("none", metadata.TokenEndpointAuthMethod);
        Assert.Equal("openid email profile offline_access", metadata.Scope);
        Assert.False(metadata.IsConfidential);
    }

    [Fact]
    public void Omitted_fields_take_the_RFC_7591_defaults()
    {
        var metadata = Accepted("""{"redirect_uris":["https://app.example.com/cb"]}""");

        Assert.Equal("client_secret_basic", metadata.TokenEndpointAuthMethod);
        Assert.Equal(["authorization_code"], metadata.GrantTypes);
        Assert.Equal(["code"], metadata.ResponseTypes);
        Assert.Equal("web", metadata.ApplicationType);
        Assert.True(metadata.IsConfidential);
    }

    [Theory]
    [InlineData("http://127.0.0.1/callback")]
    [InlineData("http://localhost:3000/callback")]
    [InlineData("http://[::1]:8080/")]
    public void A_client_with_a_loopback_redirect_uri_is_native_even_when_it_declares_web(string redirectUri)
    {
        var metadata = Accepted($$"""{"redirect_uris":["{{redirectUri}}"],"application_type":"web","token_endpoint_auth_method":"none"}""");

        Assert.Equal("native", metadata.ApplicationType);
    }

    [Theory]
    [InlineData("""{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_post"}""")]
    [InlineData("""{"grant_types":["client_credentials"],"token_endpoint_auth_method":"client_secret_basic"}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"grant_types":["authorization_code","client_credentials"],"token_endpoint_auth_method":"client_secret_basic"}""")]
    public void Anonymous_registration_never_grants_client_credentials_even_to_a_confidential_client(string json)
    {
        var refusal = _validator.Validate(Encoding.UTF8.GetBytes(json), ClientMetadataSource.Registration).Error;

        Assert.Equal(RegistrationErrorCodes.InvalidClientMetadata, refusal?.Error);
        Assert.Contains("administrator", refusal!.ErrorDescription, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Claude\u202eedoC")]
    [InlineData("Trusted\u200bApp")]
    [InlineData("App\u2066x\u2069")]
    [InlineData("\ufeffVS Code")]
    public void A_client_name_with_invisible_or_direction_changing_characters_is_refused(string jsonEscapedName)
        => AssertRefused(RegistrationErrorCodes.InvalidClientMetadata, $$"""{"redirect_uris":["https://a.example/cb"],"client_name":"{{jsonEscapedName}}"}""");

    [Fact]
    public void Unknown_scopes_are_dropped_from_the_registered_scope_and_unknown_fields_ignored()
    {
        var metadata = Accepted("""{"redirect_uris":["https://a.example/cb"],"scope":"mcp:read jenkins:admin mcp:read","jwks_uri":"https://a.example/jwks","x-custom":42}""");

        Assert.Equal("mcp:read", metadata.Scope);
    }

    [Fact]
    public void Duplicate_redirect_uris_are_registered_once()
    {
        var metadata = Accepted("""{"redirect_uris":["https://a.example/cb","https://a.example/cb"]}""");

        Assert.Equal(["https://a.example/cb"], metadata.RedirectUris);
    }

    [Theory]
    [InlineData("""{"redirect_uris":["http://app.example.com/cb"]}""")]
    [InlineData("""{"redirect_uris":["http://192.168.1.10/cb"]}""")]
    [InlineData("""{"redirect_uris":["https://app.example.com/cb#frag"]}""")]
    [InlineData("""{"redirect_uris":["https://app.example.com/cb#"]}""")]
    [InlineData("""{"redirect_uris":["com.example.app:/oauth2redirect"]}""")]
    [InlineData("""{"redirect_uris":["javascript:alert(1)"]}""")]
    [InlineData("""{"redirect_uris":["ftp://app.example.com/cb"]}""")]
    [InlineData("""{"redirect_uris":["/callback"]}""")]
    [InlineData("""{"redirect_uris":["callback"]}""")]
    [InlineData("""{"redirect_uris":[""]}""")]
    [InlineData("""{"redirect_uris":["https://user:pass@app.example.com/cb"]}""")]
    [InlineData("""{"redirect_uris":["https://app.example.com/cb?iss=https://evil.example"]}""")]
    [InlineData("""{"redirect_uris":["https://app.example.com/this-path-is-far-too-long-for-the-configured-limit-of-one-hundred-characters-xxxxxxxx"]}""")]
    [InlineData("""{"redirect_uris":[42]}""")]
    [InlineData("""{"redirect_uris":"https://app.example.com/cb"}""")]
    [InlineData("""{"token_endpoint_auth_method":"none"}""")]
    [InlineData("""{"redirect_uris":[],"token_endpoint_auth_method":"none"}""")]
    public void Bad_or_missing_redirect_uris_are_refused_with_invalid_redirect_uri(string json)
        => AssertRefused(RegistrationErrorCodes.InvalidRedirectUri, json);

    [Theory]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"grant_types":["authorization_code"],"response_types":["token"]}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"grant_types":["authorization_code"],"response_types":[]}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"grant_types":["client_credentials"],"response_types":["code"]}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"grant_types":["refresh_token"]}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"grant_types":[]}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"grant_types":["implicit"]}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"grant_types":["password"]}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"grant_types":["urn:ietf:params:oauth:grant-type:device_code"]}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"response_types":["code id_token"]}""")]
    public void Inconsistent_or_unknown_grant_and_response_types_are_refused_with_invalid_client_metadata(string json)
        => AssertRefused(RegistrationErrorCodes.InvalidClientMetadata, json);

    [Theory]
    [InlineData("private_key_jwt")]
    [InlineData("client_secret_jwt")]
    [InlineData("tls_client_auth")]
    [InlineData("None")]
    public void Unknown_token_endpoint_auth_methods_are_refused_with_invalid_client_metadata(string method)
        => AssertRefused(RegistrationErrorCodes.InvalidClientMetadata, $$"""{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"{{method}}"}""");

    [Fact]
    public void A_public_client_cannot_register_the_client_credentials_grant()
        => AssertRefused(RegistrationErrorCodes.InvalidClientMetadata, """{"grant_types":["client_credentials"],"token_endpoint_auth_method":"none"}""");

    [Fact]
    public void More_redirect_uris_than_the_limit_are_refused_with_invalid_client_metadata()
        => AssertRefused(RegistrationErrorCodes.InvalidClientMetadata,
            """{"redirect_uris":["https://a.example/1","https://a.example/2","https://a.example/3","https://a.example/4"]}""");

    [Theory]
    [InlineData("""{"redirect_uris":["https://a.example/cb"]""")]
    [InlineData("""not json""")]
    [InlineData("")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"redirect_uris":["https://b.example/cb"]}""")]
    [InlineData("""{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}},"redirect_uris":["https://a.example/cb"]}""")]
    public void Malformed_json_is_refused_with_invalid_client_metadata(string json)
        => AssertRefused(RegistrationErrorCodes.InvalidClientMetadata, json);

    [Theory]
    [InlineData("""["https://a.example/cb"]""")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    public void A_body_that_is_not_an_object_is_refused_with_invalid_client_metadata(string json)
        => AssertRefused(RegistrationErrorCodes.InvalidClientMetadata, json);

    [Theory]
    [InlineData("client_name", "42")]
    [InlineData("client_name", "[\"x\"]")]
    [InlineData("token_endpoint_auth_method", "true")]
    [InlineData("grant_types", "\"authorization_code\"")]
    [InlineData("grant_types", "[1]")]
    [InlineData("response_types", "\"code\"")]
    [InlineData("scope", "[\"mcp:read\"]")]
    [InlineData("application_type", "1")]
    [InlineData("client_uri", "{}")]
    [InlineData("contacts", "\"a@example.com\"")]
    [InlineData("software_id", "7")]
    public void A_field_of_the_wrong_json_type_is_refused_with_invalid_client_metadata(string field, string value)
        => AssertRefused(RegistrationErrorCodes.InvalidClientMetadata, $$"""{"redirect_uris":["https://a.example/cb"],"{{field}}":{{value}}}""");

    [Theory]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"application_type":"desktop"}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"client_name":"this client name is longer than forty characters"}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"client_name":"tab\there"}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"client_name":"   "}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"client_uri":"javascript:alert(1)"}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"logo_uri":"data:image/png;base64,AAAA"}""")]
    [InlineData("""{"redirect_uris":["https://a.example/cb"],"policy_uri":"relative/path"}""")]
    public void Invalid_descriptive_metadata_is_refused_with_invalid_client_metadata(string json)
        => AssertRefused(RegistrationErrorCodes.InvalidClientMetadata, json);

    [Fact]
    public void Json_null_values_count_as_absent()
    {
        var metadata = Accepted("""{"redirect_uris":["https://a.example/cb"],"client_name":null,"scope":null,"token_endpoint_auth_method":null}""");

        Assert.Null(metadata.ClientName);
        Assert.Equal("client_secret_basic", metadata.TokenEndpointAuthMethod);
    }

    [Fact]
    public void A_metadata_document_describes_a_public_client_by_default()
    {
        var metadata = Accepted("""{"client_id":"https://app.example/client.json","redirect_uris":["https://app.example/cb"]}""", ClientMetadataSource.MetadataDocument);

        Assert.Equal("none", metadata.TokenEndpointAuthMethod);
        Assert.False(metadata.IsConfidential);
    }

    [Theory]
    [InlineData("""{"redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"client_secret_basic"}""")]
    [InlineData("""{"redirect_uris":["https://app.example/cb"],"client_secret":"chosen-by-the-client"}""")]
    [InlineData("""{"redirect_uris":["http://app.example/cb"]}""")]
    public void A_metadata_document_claiming_a_secret_or_with_bad_redirect_uris_is_refused(string json)
    {
        var result = Validate(json, ClientMetadataSource.MetadataDocument);

        Assert.Null(result.Metadata);
        Assert.NotNull(result.Error);
    }
}
