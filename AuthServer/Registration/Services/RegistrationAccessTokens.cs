using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace McpAspire.AuthServer.Registration.Services;

/// <summary>
/// RFC 7592 registration access tokens and the client secrets issued at registration: 256 random bits each.
/// Only a SHA-256 hash of a registration access token is stored (a high-entropy random value needs no slow
/// hash), and a presented token is compared with it in constant time.
/// </summary>
public static class RegistrationAccessTokens
{
    /// <summary>A new random credential, base64url without padding (43 characters).</summary>
    public static string NewCredential() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new client identifier: random, unguessable, URL-safe.</summary>
    public static string NewClientId() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(18));

    public static string Hash(string token) => WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Whether <paramref name="presented"/> is the token whose hash is <paramref name="storedHash"/>.</summary>
    public static bool Matches(string presented, string? storedHash)
    {
        if (string.IsNullOrEmpty(storedHash))
        {
            return false;
        }

        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        byte[] expected;
        try
        {
            expected = WebEncoders.Base64UrlDecode(storedHash);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(presentedHash, expected);
    }
}
