namespace McpAspire.KeyRings;

/// <summary>
/// Data Protection's encryption of a key's secret (<c>&lt;masterKey&gt;</c>) through an <see cref="IDataProtectionKeyWrapper"/>.
/// Data Protection calls it for every new key and stores the result inside <c>&lt;encryptedSecret decryptorType="…"&gt;</c>,
/// naming <paramref name="decryptorType"/> as the type that reverses it (through <see cref="WrappedKeyDecryption"/>). Each
/// key ring names its own decryptor type: the name is written into every stored key, so it never changes for a ring.
/// </summary>
public sealed class WrappedKeyXmlEncryptor(IDataProtectionKeyWrapper wrapper, Type decryptorType) : IXmlEncryptor
{
    public const string ElementName = "wrappedKey";
    public const string SchemeAttribute = "scheme";
    public const string KeyIdAttribute = "kek";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        try
        {
            var wrapped = wrapper.Wrap(plaintext);
            var element = new XElement(ElementName,
                new XAttribute(SchemeAttribute, wrapped.Scheme),
                new XAttribute(KeyIdAttribute, wrapped.KeyEncryptionKeyId),
                new XComment(" The key's secret, encrypted under the key-encryption key named above (docs/persistence.md, \"Keys\"). "),
                new XElement("value", Convert.ToBase64String(wrapped.Ciphertext)));
            return new EncryptedXmlInfo(element, decryptorType);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
