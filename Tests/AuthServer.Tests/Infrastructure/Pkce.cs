using System.Security.Cryptography;
using System.Text;

namespace McpAspire.AuthServer.Tests.Infrastructure;

/// <summary>An RFC 7636 verifier and its S256 challenge, fresh for each authorization request.</summary>
public sealed record Pkce(string Verifier, string Challenge)
{
    public static Pkce Create()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return new Pkce(verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
