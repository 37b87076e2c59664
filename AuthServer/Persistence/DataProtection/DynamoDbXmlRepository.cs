using System.Xml.Linq;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.Infrastructure;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Logging;

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
    private const string XmlAttribute = "xml";

    // Data Protection marks every element that holds a secret with d:requiresEncryption="true", and stores it
    // encrypted as d:encryptedSecret, in this namespace.
    private static readonly XNamespace DataProtectionNamespace = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = DataProtectionNamespace + "requiresEncryption";
    private static readonly XName EncryptedSecret = DataProtectionNamespace + "encryptedSecret";

    private volatile bool _legacyElementsMoved;

    public IReadOnlyCollection<XElement> GetAllElements() => GetAllElementsAsync(CancellationToken.None).GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var id = string.IsNullOrWhiteSpace(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName;
        TryPutAsync(id, element, CancellationToken.None).GetAwaiter().GetResult();
    }

    private async Task<IReadOnlyCollection<XElement>> GetAllElementsAsync(CancellationToken cancellationToken)
    {
        if (!_legacyElementsMoved)
        {
            await MoveLegacyElementsAsync(cancellationToken);
            _legacyElementsMoved = true;
        }

        var elements = new List<XElement>();
        foreach (var (id, xml) in await QueryAsync(tables.DataProtectionKeys, cancellationToken))
        {
            if (TryParse(tables.DataProtectionKeys, xml) is { } element)
            {
                elements.Add(element);
            }
        }

        return elements;
    }

    private async Task<bool> TryPutAsync(string id, XElement element, CancellationToken cancellationToken)
    {
        try
        {
            await client.PutItemAsync(new PutItemRequest
            {
                TableName = tables.DataProtectionKeys,
                Item = new ItemWriter()
                    .String(DynamoDbSchema.KeyPurpose, Purpose)
                    .String(DynamoDbSchema.Id, id)
                    .String(XmlAttribute, element.ToString(SaveOptions.DisableFormatting))
                    .Item,
                // Key ids are unique GUIDs: never overwrite an element another replica stored under the same name.
                ConditionExpression = "attribute_not_exists(#id)",
                ExpressionAttributeNames = new() { ["#id"] = DynamoDbSchema.Id },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>Moves the elements an earlier version stored in the keys table, encrypting their secrets on the way.</summary>
    private async Task MoveLegacyElementsAsync(CancellationToken cancellationToken)
    {
        var encryptor = new WrappedKeyXmlEncryptor(wrapper);
        foreach (var (id, xml) in await QueryAsync(tables.Keys, cancellationToken))
        {
            // A malformed element stays where it is (logged): nothing is deleted that was not copied.
            if (TryParse(tables.Keys, xml) is not { } element)
            {
                continue;
            }

            // Another replica may have moved it first; its copy is as good as ours.
            if (await TryPutAsync(id, EncryptSecrets(element, encryptor), cancellationToken))
            {
                DataProtectionLog.LegacyElementMoved(logger, id, tables.Keys, tables.DataProtectionKeys);
            }

            await client.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = tables.Keys,
                Key = new()
                {
                    [DynamoDbSchema.KeyPurpose] = new AttributeValue { S = Purpose },
                    [DynamoDbSchema.Id] = new AttributeValue { S = id },
                },
            }, cancellationToken);
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

    private XElement? TryParse(string table, string xml)
    {
        try
        {
            return XElement.Parse(xml);
        }
        catch (System.Xml.XmlException exception)
        {
            PersistenceLog.MalformedItem(logger, table, Purpose, exception.Message);
            return null;
        }
    }

    private async Task<List<(string Id, string Xml)>> QueryAsync(string table, CancellationToken cancellationToken)
    {
        var items = new List<(string, string)>();
        var request = new QueryRequest
        {
            TableName = table,
            ConsistentRead = true,
            KeyConditionExpression = "#p = :p",
            ExpressionAttributeNames = new() { ["#p"] = DynamoDbSchema.KeyPurpose },
            ExpressionAttributeValues = new() { [":p"] = new AttributeValue { S = Purpose } },
        };

        await foreach (var response in client.Paginators.Query(request).Responses.WithCancellation(cancellationToken))
        {
            foreach (var item in response.Items ?? [])
            {
                try
                {
                    var reader = new ItemReader(item, table);
                    items.Add((reader.Required(DynamoDbSchema.Id), reader.Required(XmlAttribute)));
                }
                catch (MalformedItemException exception)
                {
                    PersistenceLog.MalformedItem(logger, table, Purpose, exception.Message);
                }
            }
        }

        return items;
    }
}
