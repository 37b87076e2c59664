using System.Text;
using Microsoft.Extensions.Caching.Memory;

namespace McpAspire.AuthServer.ClientAuthentication;

/// <summary>
/// Client secrets this process has already verified against a stored hash, remembered for a few minutes.
/// OpenIddict stores client secrets as PBKDF2 hashes, deliberately slow to derive; the MCP server authenticates
/// with the same secret on every introspection (one per MCP request), so re-deriving it each time was 9-17 % of an
/// introspection's profile. No library offers this cache, hence this class.
/// </summary>
/// <remarks>
/// An entry is keyed on the stored hash as well as the presented secret: when a secret is rotated its hash
/// changes, so the old secret stops matching at once. Only successes are remembered (a wrong secret always pays
/// the full derivation, so guessing gets no cheaper), and the key is an HMAC under a key that lives only in this
/// process, so neither the secret nor anything that verifies it offline is ever held in memory. Comparing keys
/// by lookup is safe in time: an HMAC output reveals nothing about the secret that produced it.
/// </remarks>
public sealed class VerifiedClientSecrets : IDisposable
{
    /// <summary>How long a verification is remembered: bounded, so a cache entry never outlives a rotation by long.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private const int Capacity = 10_000;

    private readonly MemoryCache _verified = new(new MemoryCacheOptions { SizeLimit = Capacity });
    private readonly byte[] _processKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>True when <paramref name="secret"/> was verified against <paramref name="storedHash"/> recently.</summary>
    public bool Contains(string storedHash, string secret) => _verified.TryGetValue(Key(storedHash, secret), out _);

    /// <summary>Remembers that <paramref name="secret"/> matches <paramref name="storedHash"/>.</summary>
    public void Add(string storedHash, string secret)
        => _verified.Set(Key(storedHash, secret), true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });

    public void Dispose() => _verified.Dispose();

    private string Key(string storedHash, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(storedHash);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Convert.ToBase64String(HMACSHA256.HashData(_processKey, Encoding.UTF8.GetBytes(storedHash + "\n" + secret)));
    }
}
