using System.Xml.Linq;
using Amazon.DynamoDBv2;
using McpAspire.AuthServer.Persistence.Infrastructure;
using McpAspire.KeyRings;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace McpAspire.AuthServer.Persistence.DataProtection;

/// <summary>
/// The ASP.NET Core Data Protection key ring in a table of its own (<see cref="DynamoDbTableNames.DataProtectionKeys"/>,
/// partition <c>data-protection</c>), apart from the OpenIddict keys it protects, so that IAM can grant the two
/// separately. Each key's secret is already encrypted by <see cref="WrappedKeyXmlEncryptor"/> when it arrives here.
/// Data Protection's repository interface is synchronous, hence the blocking calls; it reads the ring once and then
/// only every few hours or when a key is missing, never per request.
/// </summary>
/// <remarks>
/// Upgrade: earlier versions kept the ring, unencrypted, in the keys table. The first read of each process moves
/// any such element here with its secret encrypted (conditional put, then delete), so existing cookies and the
/// OpenIddict keys protected by those keys stay readable and no plaintext master key stays in DynamoDB.
/// </remarks>
internal sealed class DynamoDbXmlRepository(
    IAmazonDynamoDB client, DynamoDbTableNames tables, IDataProtectionKeyWrapper wrapper, ILogger<DynamoDbXmlRepository> logger)
    : IXmlRepository
{
    public const string Purpose = "data-protection";

    // Data Protection marks every element that holds a secret with d:requiresEncryption="true", and stores it
    // encrypted as d:encryptedSecret, in this namespace.
    private static readonly XNamespace DataProtectionNamespace = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = DataProtectionNamespace + "requiresEncryption";
    private static readonly XName EncryptedSecret = DataProtectionNamespace + "encryptedSecret";

    private readonly DynamoDbXmlElements _ring = new(client, tables.DataProtectionKeys, Purpose, (table, problem) => PersistenceLog.MalformedItem(logger, table, Purpose, problem));
    private readonly DynamoDbXmlElements _legacy = new(client, tables.Keys, Purpose, (table, problem) => PersistenceLog.MalformedItem(logger, table, Purpose, problem));
    private volatile bool _legacyElementsMoved;

    public IReadOnlyCollection<XElement> GetAllElements() => GetAllElementsAsync(CancellationToken.None).GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var id = string.IsNullOrWhiteSpace(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName;
        _ring.TryAddAsync(id, element, CancellationToken.None).GetAwaiter().GetResult();
    }

    private async Task<IReadOnlyCollection<XElement>> GetAllElementsAsync(CancellationToken cancellationToken)
    {
        if (!_legacyElementsMoved)
        {
            await MoveLegacyElementsAsync(cancellationToken);
            _legacyElementsMoved = true;
        }

        return [.. (await _ring.ReadAllAsync(cancellationToken)).Select(stored => stored.Element)];
    }

    /// <summary>Moves the elements an earlier version stored in the keys table, encrypting their secrets on the way.</summary>
    private async Task MoveLegacyElementsAsync(CancellationToken cancellationToken)
    {
        var encryptor = new WrappedKeyXmlEncryptor(wrapper, typeof(WrappedKeyXmlDecryptor));
        // A malformed element stays where it is (logged): nothing is deleted that was not copied.
        foreach (var (id, element) in await _legacy.ReadAllAsync(cancellationToken))
        {
            // Another replica may have moved it first; its copy is as good as ours.
            if (await _ring.TryAddAsync(id, EncryptSecrets(element, encryptor), cancellationToken))
            {
                DataProtectionLog.LegacyElementMoved(logger, id, tables.Keys, tables.DataProtectionKeys);
            }

            await _legacy.DeleteAsync(id, cancellationToken);
        }
    }

    /// <summary>
    /// What Data Protection does to a new key before storing it (its own helper is internal): each element marked
    /// <c>requiresEncryption</c> is replaced by <c>&lt;encryptedSecret decryptorType="…"&gt;</c> holding the encryptor's output.
    /// </summary>
    internal static XElement EncryptSecrets(XElement element, IXmlEncryptor encryptor)
    {
        var copy = new XElement(element);
        foreach (var secret in copy.DescendantsAndSelf().Where(candidate => (bool?)candidate.Attribute(RequiresEncryption) == true).ToList())
        {
            var encrypted = encryptor.Encrypt(secret);
            secret.ReplaceWith(new XElement(EncryptedSecret,
                new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!),
                encrypted.EncryptedElement));
        }

        return copy;
    }
}
