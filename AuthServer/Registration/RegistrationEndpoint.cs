namespace McpAspire.AuthServer.Registration;

/// <summary>Where the registration endpoint lives, relative to the issuer (so behind a proxy it follows the issuer).</summary>
public static class RegistrationEndpoint
{
    /// <summary>The endpoint's absolute URL for an issuer such as <c>https://host/</c> or <c>https://host/auth</c>.</summary>
    public static Uri For(Uri issuer) => new(issuer.AbsoluteUri.TrimEnd('/') + EndpointPaths.Register, UriKind.Absolute);
}
