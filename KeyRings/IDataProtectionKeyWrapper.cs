namespace McpAspire.KeyRings;

/// <summary>
/// Encrypts ("wraps") the secret part of a Data Protection key under a key-encryption key it holds, the way a KMS
/// does: the caller never sees the key-encryption key, only an identifier of it stored beside the ciphertext.
/// <see cref="AesGcmKeyWrapper"/> is the implementation in use (AES-256-GCM, key from configuration), for the auth server's
/// own key ring and for the Jenkins identity ring alike, each with its own key-encryption key.
/// </summary>
/// <remarks>
/// Extension point for AWS KMS (not implemented: the auth server does not reference AWSSDK.KeyManagementService):
/// <c>Wrap</c> calls <c>Encrypt</c> with the KMS key ARN and an encryption context such as
/// <c>{"purpose":"McpAspire.AuthServer.DataProtection"}</c>, returning the key ARN as
/// <see cref="WrappedKey.KeyEncryptionKeyId"/> and the ciphertext blob; <c>Unwrap</c> calls <c>Decrypt</c> with
/// the same context (KMS finds the key from the blob). Register it as an <see cref="IDataProtectionKeyWrapper"/>
/// singleton with its own <see cref="Scheme"/>, after <c>AddDynamoDbPersistence()</c>: the last registered wraps
/// new keys, and the decryptor picks among all registered ones by the scheme stored in each key, so keys wrapped
/// by the local scheme stay readable while the local wrapper stays registered (<see cref="WrappedKeyDecryption"/>).
/// </remarks>
public interface IDataProtectionKeyWrapper
{
    /// <summary>A stable name of the algorithm and key source, stored with every wrapped key.</summary>
    string Scheme { get; }

    WrappedKey Wrap(ReadOnlySpan<byte> plaintext);

    /// <summary>
    /// The plaintext, or a <see cref="System.Security.Cryptography.CryptographicException"/> whose message says which
    /// key-encryption key (by identifier, never by value) is missing or why authentication failed.
    /// </summary>
    byte[] Unwrap(WrappedKey wrapped);
}

/// <summary>A wrapped secret: the scheme, the key-encryption key's public identifier, and the ciphertext.</summary>
public sealed record WrappedKey(string Scheme, string KeyEncryptionKeyId, byte[] Ciphertext);
