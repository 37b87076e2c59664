namespace McpAspire.AuthServer.Server;

/// <summary>
/// Every path this server answers at, in one place: fixed, because clients learn them from discovery and scripts
/// and the request limits depend on them.
/// </summary>
public static class EndpointPaths
{
    public const string Authorize = "/authorize";
    public const string Token = "/token";
    public const string Introspect = "/introspect";
    public const string Revoke = "/revoke";

    /// <summary>RFC 7591 §3 registration, and RFC 7592 §2 management below it.</summary>
    public const string Register = "/register";

    public const string Login = "/account/login";

    /// <summary>Where a user links their own Jenkins identity (posting it asks Jenkins about a credential: limited like a sign-in).</summary>
    public const string JenkinsIdentity = "/account/jenkins";

    /// <summary>Below it, each upstream identity provider's callback: <c>/account/external/{provider}/callback</c>.</summary>
    public const string ExternalSignIn = "/account/external";
    public const string OAuthMetadata = "/.well-known/oauth-authorization-server";
    public const string OpenIdMetadata = "/.well-known/openid-configuration";
    public const string Jwks = "/.well-known/jwks";
}
