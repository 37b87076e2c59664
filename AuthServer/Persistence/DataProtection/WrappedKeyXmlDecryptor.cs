using System.Xml.Linq;
using McpAspire.KeyRings;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

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

    public XElement Decrypt(XElement encryptedElement) => WrappedKeyDecryption.Decrypt(encryptedElement, services.GetServices<IDataProtectionKeyWrapper>());
}
