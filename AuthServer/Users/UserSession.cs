using System.Text;
using Microsoft.AspNetCore.Authentication.Cookies;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.AuthServer.Users;

/// <summary>The session cookie's principal: who signed in, and the session stamp their account had then.</summary>
public static class UserSession
{
    public const string StampClaim = "session_stamp";

    /// <summary>The principal every sign-in (password or company identity provider) puts into the session cookie.</summary>
    public static ClaimsPrincipal For(AppUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = new ClaimsIdentity(CookieAuthenticationDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Id));
        identity.AddClaim(new Claim(Claims.Name, user.UserName));
        if (user.SessionStamp is not null)
        {
            identity.AddClaim(new Claim(StampClaim, user.SessionStamp));
        }

        return new ClaimsPrincipal(identity);
    }

    /// <summary>True when the session was started by this account as it is now (same stamp, in constant time).</summary>
    public static bool IsCurrent(ClaimsPrincipal session, AppUser user)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(user);
        var stamp = session.FindFirst(StampClaim)?.Value;
        if (stamp is null || user.SessionStamp is null)
        {
            return stamp is null && user.SessionStamp is null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stamp), Encoding.UTF8.GetBytes(user.SessionStamp));
    }
}
