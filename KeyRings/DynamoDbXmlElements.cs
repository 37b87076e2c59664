using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace McpAspire.KeyRings;

/// <summary>
/// The XML elements of one Data Protection key ring in DynamoDB: one item per element, partition key <c>purpose</c> (the
/// ring's <paramref name="partition"/>), sort key <c>id</c>, the element in <c>xml</c>. Reads are strongly consistent
/// queries of the partition; a write never overwrites an element stored under the same id (key ids are unique GUIDs,
/// so another replica's copy is as good as ours).
/// </summary>
/// <param name="malformed">Told the table and the problem of an item that is not an element (never its content).</param>
public sealed class DynamoDbXmlElements(IAmazonDynamoDB client, string table, string partition, Action<string, string> malformed)
{
    public const string PartitionAttribute = "purpose";
    public const string IdAttribute = "id";
    public const string XmlAttribute = "xml";

    public string Table => table;

    /// <summary>Every element of the ring, with its id; malformed items are reported and left out.</summary>
    public async Task<IReadOnlyList<(string Id, XElement Element)>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var elements = new List<(string, XElement)>();
        var request = new QueryRequest
        {
            TableName = table,
            ConsistentRead = true,
            KeyConditionExpression = "#p = :p",
            ExpressionAttributeNames = new() { ["#p"] = PartitionAttribute },
            ExpressionAttributeValues = new() { [":p"] = new AttributeValue { S = partition } },
        };

        await foreach (var response in client.Paginators.Query(request).Responses.WithCancellation(cancellationToken))
        {
            foreach (var item in response.Items ?? [])
            {
                if (!item.TryGetValue(IdAttribute, out var id) || id.S is null || !item.TryGetValue(XmlAttribute, out var xml) || xml.S is null)
                {
                    malformed(table, $"an item of partition '{partition}' lacks '{IdAttribute}' or '{XmlAttribute}'");
                    continue;
                }

                try
                {
                    elements.Add((id.S, XElement.Parse(xml.S)));
                }
                catch (System.Xml.XmlException exception)
                {
                    malformed(table, exception.Message);
                }
            }
        }

        return elements;
    }

    /// <summary>Stores <paramref name="element"/> under <paramref name="id"/> unless an element with that id exists; false then.</summary>
    public async Task<bool> TryAddAsync(string id, XElement element, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(element);
        try
        {
            await client.PutItemAsync(new PutItemRequest
            {
                TableName = table,
                Item = new()
                {
                    [PartitionAttribute] = new AttributeValue { S = partition },
                    [IdAttribute] = new AttributeValue { S = id },
                    [XmlAttribute] = new AttributeValue { S = element.ToString(SaveOptions.DisableFormatting) },
                },
                ConditionExpression = "attribute_not_exists(#id)",
                ExpressionAttributeNames = new() { ["#id"] = IdAttribute },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken)
        => client.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = table,
            Key = new()
            {
                [PartitionAttribute] = new AttributeValue { S = partition },
                [IdAttribute] = new AttributeValue { S = id },
            },
        }, cancellationToken);
}
