using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpAspire.AuthServer.Persistence.DataProtection;

/// <summary>
/// AES-256-GCM under a key-encryption key derived (HKDF-SHA256) from <see cref="KeyEncryptionOptions.KeyEncryptionKey"/>;
/// <see cref="KeyEncryptionOptions.PreviousKeyEncryptionKeys"/> decrypt only. Each key is known by a public identifier
/// (a separate HKDF output, so it reveals nothing about the key) that is stored with the ciphertext: a key ring
/// written under several key-encryption keys is read with whichever of them this instance holds.
/// </summary>
/// <remarks>
/// Hand-written because no library covers it: Data Protection's own encryptors need an X.509 certificate or Windows
/// DPAPI, and the AppHost's generated secret parameters are random strings (Aspire cannot generate a certificate).
/// </remarks>
internal sealed class LocalKeyEncryptionKeyWrapper : IDataProtectionKeyWrapper
{
    public const string LocalScheme = "aes256gcm-hkdf-v1";

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] KeyInfo = Encoding.UTF8.GetBytes("McpAspire.AuthServer.DataProtection.KeyEncryptionKey.v1");
    private static readonly byte[] KeyIdInfo = Encoding.UTF8.GetBytes("McpAspire.AuthServer.DataProtection.KeyEncryptionKeyId.v1");

    private readonly (string Id, byte[] Key) _current;
    private readonly Dictionary<string, byte[]> _all = new(StringComparer.Ordinal);

    public LocalKeyEncryptionKeyWrapper(IOptions<KeyEncryptionOptions> options, ILogger<LocalKeyEncryptionKeyWrapper> logger)
    {
        var settings = options.Value;
        var current = settings.KeyEncryptionKey;
        if (string.IsNullOrEmpty(current))
        {
            // Only reachable in Development: KeyEncryptionOptionsValidation refuses every other environment.
            DataProtectionLog.DevelopmentKeyEncryptionKeyInUse(logger, KeyEncryptionOptions.KeyEncryptionKeySetting);
            current = KeyEncryptionOptions.DevelopmentOnlyKeyEncryptionKey;
        }

        _current = Derive(current);
        _all[_current.Id] = _current.Key;
        foreach (var previous in settings.PreviousKeyEncryptionKeys)
        {
            var (id, key) = Derive(previous);
            _all.TryAdd(id, key);
        }
    }

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
                $"does not hold: configure it as {KeyEncryptionOptions.KeyEncryptionKeySetting} or in {KeyEncryptionOptions.PreviousKeyEncryptionKeysSetting}.");
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

    /// <summary>The derived key and its public identifier; the secret string itself is not kept.</summary>
    private static (string Id, byte[] Key) Derive(string secret)
    {
        var input = Encoding.UTF8.GetBytes(secret);
        try
        {
            var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, input, 32, salt: null, info: KeyInfo);
            var id = Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, input, 8, salt: null, info: KeyIdInfo));
            return (id, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    // Binds the ciphertext to its purpose and to the key id stored beside it.
    private static byte[] AssociatedData(string keyId) => Encoding.UTF8.GetBytes($"McpAspire.AuthServer.DataProtection|{LocalScheme}|{keyId}");
}
