using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using McpAspire.AuthServer.Persistence.DataProtection;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

// Not McpAspire.AuthServer.Persistence.DataProtection like its folder: this type's full name is stored in every
// encrypted key (see TypeName), so it keeps the namespace it was first written with.
namespace McpAspire.AuthServer.Persistence;

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
