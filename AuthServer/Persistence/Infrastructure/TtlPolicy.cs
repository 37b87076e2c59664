using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Persistence.Infrastructure;

/// <summary>
/// When DynamoDB may delete an item. A token is kept a grace period past its expiry (a replayed token must
/// still be found, redeemed, to trigger reuse detection until it has expired anyway); an authorization is
/// kept past the latest expiry of its tokens, so no live refresh token ever loses its authorization.
/// </summary>
public static class TtlPolicy
{
    /// <summary>Short-lived codes (authorization, device and user codes, pushed request tokens) are deleted minutes after they expire.</summary>
    public static readonly TimeSpan CodeGrace = TimeSpan.FromMinutes(10);

    /// <summary>Access and refresh tokens are deleted an hour after they expire.</summary>
    public static readonly TimeSpan TokenGrace = TimeSpan.FromHours(1);

    /// <summary>An authorization outlives the TTL of its latest token by this margin.</summary>
    public static readonly TimeSpan AuthorizationMargin = TimeSpan.FromDays(1);

    /// <summary>
    /// An ad-hoc authorization starts with this lifetime (it is created just before its first token, which
    /// then extends it); permanent authorizations carry no TTL at all.
    /// </summary>
    public static readonly TimeSpan AdHocAuthorizationInitialLifetime = TimeSpan.FromDays(1);

    /// <summary>The application property that marks an unused dynamic registration: unix seconds after which it is deleted.</summary>
    public const string UnusedRegistrationExpiresAt = "unused_registration_expires_at";

    /// <summary>The TTL (unix seconds) of a token, or null when it never expires.</summary>
    public static long? ForToken(string? type, DateTimeOffset? expirationDate)
    {
        if (expirationDate is not { } expiry)
        {
            return null;
        }

        var grace = type is TokenTypeIdentifiers.Private.AuthorizationCode or TokenTypeIdentifiers.Private.DeviceCode
            or TokenTypeIdentifiers.Private.UserCode or TokenTypeIdentifiers.Private.RequestToken
            ? CodeGrace
            : TokenGrace;
        return (expiry + grace).ToUnixTimeSeconds();
    }

    /// <summary>The TTL an authorization needs so that it outlives a token with TTL <paramref name="tokenTtl"/>.</summary>
    public static long ForAuthorizationOf(long tokenTtl) => tokenTtl + (long)AuthorizationMargin.TotalSeconds;
}
