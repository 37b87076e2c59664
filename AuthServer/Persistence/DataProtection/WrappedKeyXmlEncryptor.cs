using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace McpAspire.AuthServer.Persistence.DataProtection;

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
