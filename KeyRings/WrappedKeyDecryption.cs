namespace McpAspire.KeyRings;

/// <summary>Reverses <see cref="WrappedKeyXmlEncryptor"/> with whichever registered wrapper has the scheme stored in the key.</summary>
public static class WrappedKeyDecryption
{
    public static XElement Decrypt(XElement encryptedElement, IEnumerable<IDataProtectionKeyWrapper> wrappers)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        ArgumentNullException.ThrowIfNull(wrappers);
        if (encryptedElement.Name != WrappedKeyXmlEncryptor.ElementName)
        {
            throw new CryptographicException($"Expected a <{WrappedKeyXmlEncryptor.ElementName}> element, found <{encryptedElement.Name}>.");
        }

        var scheme = (string?)encryptedElement.Attribute(WrappedKeyXmlEncryptor.SchemeAttribute) ?? "";
        var keyId = (string?)encryptedElement.Attribute(WrappedKeyXmlEncryptor.KeyIdAttribute) ?? "";
        var value = (string?)encryptedElement.Element("value")
            ?? throw new CryptographicException($"The <{WrappedKeyXmlEncryptor.ElementName}> element has no value.");
        var wrapper = wrappers.LastOrDefault(candidate => candidate.Scheme == scheme)
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

/// <summary>
/// The decryptor of the rings <see cref="ProtectedKeyRing"/> builds (Data Protection creates it by the type name stored in
/// every key, through the constructor that takes the ring's own services, which hold that ring's wrapper only).
/// </summary>
/// <remarks>Its namespace and name are written into every stored key of those rings: renaming or moving it makes them unreadable.</remarks>
public sealed class WrappedKeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) => WrappedKeyDecryption.Decrypt(encryptedElement, services.GetServices<IDataProtectionKeyWrapper>());
}
