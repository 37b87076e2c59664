using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace McpAspire.AccessPolicy.JenkinsIdentity;

/// <summary>
/// Encrypts and decrypts linked Jenkins API tokens with ASP.NET Core Data Protection, on a key ring of their own
/// (<see cref="ApplicationName"/>, table <see cref="JenkinsIdentityTable.KeysName"/>, keys wrapped under
/// <c>JenkinsIdentity:KeyEncryptionKey</c>): the auth server protects, the MCP server unprotects, and neither ring can open
/// the other's payloads. Each token is protected under <see cref="Purpose"/>, the user's subject and their Jenkins user id,
/// so a protected token copied into another user's item, or beside another Jenkins user id, does not open.
/// </summary>
public sealed class JenkinsTokenProtector(IDataProtectionProvider ring) : IDisposable
{
    /// <summary>The ring's application name (Data Protection's discriminator); the same in both services.</summary>
    public const string ApplicationName = "McpAspire.JenkinsIdentities";

    /// <summary>The purpose string of a linked API token.</summary>
    public const string Purpose = "McpAspire.JenkinsIdentity.ApiToken.v1";

    public string Protect(string subject, string jenkinsUser, string apiToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiToken);
        return Protector(subject, jenkinsUser).Protect(apiToken);
    }

    /// <summary>The API token in clear, for the Authorization header of this call only.</summary>
    /// <exception cref="CryptographicException">The token cannot be opened: its key is gone, or the item was altered or moved.</exception>
    public string Unprotect(LinkedJenkinsIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return Protector(identity.Subject, identity.JenkinsUser).Unprotect(identity.ProtectedApiToken);
    }

    public void Dispose() => (ring as IDisposable)?.Dispose();

    private IDataProtector Protector(string subject, string jenkinsUser)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentException.ThrowIfNullOrEmpty(jenkinsUser);
        return ring.CreateProtector(Purpose, subject, jenkinsUser);
    }
}
