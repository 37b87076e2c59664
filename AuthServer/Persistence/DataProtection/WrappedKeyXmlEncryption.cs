using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace McpAspire.AuthServer.Persistence;

/// <summary>
/// Data Protection's encryption of a key's secret (<c>&lt;masterKey&gt;</c>) through an <see cref="IDataProtectionKeyWrapper"/>.
/// Data Protection calls it for every new key and stores the result inside <c>&lt;encryptedSecret decryptorType="…"&gt;</c>,
/// naming <see cref="WrappedKeyXmlDecryptor"/> as the type that reverses it.
/// </summary>
public sealed class WrappedKeyXmlEncryptor(IDataProtectionKeyWrapper wrapper) : IXmlEncryptor
{
    internal const string ElementName = "wrappedKey";
    internal const string SchemeAttribute = "scheme";
    internal const string KeyIdAttribute = "kek";

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
            return new EncryptedXmlInfo(element, typeof(WrappedKeyXmlDecryptor));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

/// <summary>
/// Reverses <see cref="WrappedKeyXmlEncryptor"/>. Data Protection creates it by the type name stored in every key
/// (<see cref="TypeName"/>), through the constructor that takes the application's services.
/// </summary>
/// <remarks>
/// Its namespace and name are written into every stored key: renaming or moving it makes the stored ring unreadable.
/// <c>DataProtectionKeyEncryptionTests</c> pins the name.
/// </remarks>
public sealed class WrappedKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public const string TypeName = "McpAspire.AuthServer.Persistence.WrappedKeyXmlDecryptor";

    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        if (encryptedElement.Name != WrappedKeyXmlEncryptor.ElementName)
        {
            throw new CryptographicException($"Expected a <{WrappedKeyXmlEncryptor.ElementName}> element, found <{encryptedElement.Name}>.");
        }

        var scheme = (string?)encryptedElement.Attribute(WrappedKeyXmlEncryptor.SchemeAttribute) ?? "";
        var keyId = (string?)encryptedElement.Attribute(WrappedKeyXmlEncryptor.KeyIdAttribute) ?? "";
        var value = (string?)encryptedElement.Element("value")
            ?? throw new CryptographicException($"The <{WrappedKeyXmlEncryptor.ElementName}> element has no value.");
        var wrapper = services.GetServices<IDataProtectionKeyWrapper>().LastOrDefault(candidate => candidate.Scheme == scheme)
            ?? throw new CryptographicException($"No key wrapper for scheme '{scheme}' is registered: the Data Protection key cannot be decrypted.");

        var plaintext = wrapper.Unwrap(new WrappedKey(scheme, keyId, Convert.FromBase64String(value)));
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
