namespace McpAspire.KeyRings;

/// <summary>
/// AES-256-GCM under a key-encryption key derived (HKDF-SHA256) from a configured secret; earlier secrets decrypt only.
/// Each key is known by a public identifier (a separate HKDF output, so it reveals nothing about the key) that is stored
/// with the ciphertext: a key ring written under several key-encryption keys is read with whichever of them this
/// instance holds. <paramref name="label"/> names the ring (it goes into the derivation and the associated data), so a
/// ciphertext of one ring never opens under another's key even if the secrets were equal.
/// </summary>
/// <remarks>
/// Hand-written because no library covers it: Data Protection's own encryptors need an X.509 certificate or Windows
/// DPAPI, and the AppHost's generated secret parameters are random strings (Aspire cannot generate a certificate).
/// </remarks>
/// <param name="label">The ring's name, e.g. <c>McpAspire.AuthServer.DataProtection</c>; fixed once keys exist.</param>
/// <param name="currentSecret">The secret new keys are wrapped under. Never logged.</param>
/// <param name="previousSecrets">Earlier secrets, for unwrapping only (rotation).</param>
/// <param name="settingsHint">Where an operator configures the secrets, for the error naming a missing key-encryption key.</param>
public class AesGcmKeyWrapper(string label, string currentSecret, IEnumerable<string> previousSecrets, string settingsHint) : IDataProtectionKeyWrapper
{
    public const string LocalScheme = "aes256gcm-hkdf-v1";

    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly (string Id, byte[] Key) _current = Derive(label, currentSecret);
    private readonly Dictionary<string, byte[]> _all = All(label, currentSecret, previousSecrets);

    public string Scheme => LocalScheme;

    /// <summary>The public identifier of the key new secrets are wrapped under.</summary>
    public string CurrentKeyId => _current.Id;

    public WrappedKey Wrap(ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_current.Key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize, plaintext.Length), output.AsSpan(NonceSize + plaintext.Length), AssociatedData(_current.Id));
        return new WrappedKey(LocalScheme, _current.Id, output);
    }

    public byte[] Unwrap(WrappedKey wrapped)
    {
        ArgumentNullException.ThrowIfNull(wrapped);
        if (!string.Equals(wrapped.Scheme, LocalScheme, StringComparison.Ordinal))
        {
            throw new CryptographicException($"The Data Protection key was wrapped with scheme '{wrapped.Scheme}', not '{LocalScheme}'.");
        }

        if (!_all.TryGetValue(wrapped.KeyEncryptionKeyId, out var key))
        {
            throw new CryptographicException(
                $"The Data Protection key was encrypted under key-encryption key id '{wrapped.KeyEncryptionKeyId}', which this instance " +
                $"does not hold: {settingsHint}.");
        }

        if (wrapped.Ciphertext.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The wrapped Data Protection key is truncated.");
        }

        var ciphertext = wrapped.Ciphertext.AsSpan(NonceSize, wrapped.Ciphertext.Length - NonceSize - TagSize);
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(key, TagSize);
        // Throws AuthenticationTagMismatchException (a CryptographicException) if the item was altered.
        aes.Decrypt(wrapped.Ciphertext.AsSpan(0, NonceSize), ciphertext, wrapped.Ciphertext.AsSpan(NonceSize + ciphertext.Length), plaintext,
            AssociatedData(wrapped.KeyEncryptionKeyId));
        return plaintext;
    }

    private static Dictionary<string, byte[]> All(string label, string current, IEnumerable<string> previous)
    {
        var all = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var secret in previous.Prepend(current))
        {
            var (id, key) = Derive(label, secret);
            all.TryAdd(id, key);
        }

        return all;
    }

    /// <summary>The derived key and its public identifier; the secret string itself is not kept.</summary>
    private static (string Id, byte[] Key) Derive(string label, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var input = Encoding.UTF8.GetBytes(secret);
        try
        {
            var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, input, 32, salt: null, info: Encoding.UTF8.GetBytes($"{label}.KeyEncryptionKey.v1"));
            var id = Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, input, 8, salt: null, info: Encoding.UTF8.GetBytes($"{label}.KeyEncryptionKeyId.v1")));
            return (id, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    // Binds the ciphertext to its ring and to the key id stored beside it.
    private byte[] AssociatedData(string keyId) => Encoding.UTF8.GetBytes($"{label}|{LocalScheme}|{keyId}");
}
