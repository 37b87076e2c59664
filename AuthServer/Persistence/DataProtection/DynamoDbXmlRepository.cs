using System.Xml.Linq;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;

namespace McpAspire.AuthServer.Persistence;

/// <summary>
/// The ASP.NET Core Data Protection key ring in the keys table (partition <c>data-protection</c>), so every
/// replica and every restart share the keys that protect cookies, antiforgery tokens and OpenIddict's keys.
/// Data Protection's repository interface is synchronous, hence the blocking calls; it reads the ring
/// once and then only every few hours or when a key is missing, never per request.
/// </summary>
internal sealed class DynamoDbXmlRepository(IAmazonDynamoDB client, DynamoDbTableNames tables, ILogger<DynamoDbXmlRepository> logger)
    : IXmlRepository
{
    public const string Purpose = "data-protection";
    private const string XmlAttribute = "xml";

    public IReadOnlyCollection<XElement> GetAllElements() => GetAllElementsAsync(CancellationToken.None).GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var id = string.IsNullOrWhiteSpace(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName;
        client.PutItemAsync(new PutItemRequest
        {
            TableName = tables.Keys,
            Item = new ItemWriter()
                .String(DynamoDbSchema.KeyPurpose, Purpose)
                .String(DynamoDbSchema.Id, id)
                .String(XmlAttribute, element.ToString(SaveOptions.DisableFormatting))
                .Item,
            // Key ids are unique GUIDs: never overwrite an element another replica stored under the same name.
            ConditionExpression = "attribute_not_exists(#id)",
            ExpressionAttributeNames = new() { ["#id"] = DynamoDbSchema.Id },
        }).GetAwaiter().GetResult();
    }

    private async Task<IReadOnlyCollection<XElement>> GetAllElementsAsync(CancellationToken cancellationToken)
    {
        var elements = new List<XElement>();
        var request = new QueryRequest
        {
            TableName = tables.Keys,
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
                    elements.Add(XElement.Parse(new ItemReader(item, tables.Keys).Required(XmlAttribute)));
                }
                catch (Exception exception) when (exception is MalformedItemException or System.Xml.XmlException)
                {
                    PersistenceLog.MalformedItem(logger, tables.Keys, Purpose, exception.Message);
                }
            }
        }

        return elements;
    }
}
