using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.Infrastructure;

namespace McpAspire.AuthServer.Persistence.Users;

/// <summary>
/// Upstream users in DynamoDB. The link (issuer, subject) → user is an item of its own table
/// (<see cref="DynamoDbTableNames.ExternalLogins"/>, key "issuer#subject"), so finding the user is one strongly
/// consistent GetItem of the link and one of the user. The user is an ordinary item of the users table, without a
/// password hash (it cannot sign in with a password), so everything that reads users by name (the token endpoint's
/// <c>FindActiveAsync</c>, the admin pages) works for it unchanged. The link and the user are written in one
/// conditional transaction: two first sign-ins at once create one user, and a name already taken is never
/// overwritten (the next free "name-2", "name-3"… is tried instead).
/// </summary>
internal sealed class DynamoDbExternalUserStore(
    IAmazonDynamoDB client,
    DynamoDbTableNames tables,
    TimeProvider clock,
    ILogger<DynamoDbExternalUserStore> logger) : IExternalUserStore
{
    private const string UserIdAttribute = "user_id";
    private const string IssuerAttribute = "issuer";
    private const string SubjectAttribute = "subject";
    private const string ConditionalCheckFailed = "ConditionalCheckFailed";

    /// <summary>Room left for a "-n" suffix within the store's user name limit.</summary>
    private const int MaxBaseNameLength = DynamoDbUserStore.MaxUserNameLength - 16;

    /// <summary>Links lost to a concurrent sign-in or names found taken, before giving up (each costs a transaction).</summary>
    private const int MaxAttempts = 12;

    public async Task<AppUser> SignInAsync(ExternalLogin login, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(login);
        Validate(login.Issuer, login.Subject);
        var key = LinkKey(login.Issuer, login.Subject);
        var baseName = BaseName(login.PreferredUserName);
        var suffix = 1;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var link = await FindLinkAsync(key, cancellationToken);
            if (link is not null && await ReplaceGroupsAsync(link, login.Groups, cancellationToken) is { } user)
            {
                return user;
            }

            // No link yet, or one whose user was deleted (or re-created by someone else under that name): a new user.
            var candidate = suffix == 1 ? baseName : $"{baseName}-{suffix.ToString(CultureInfo.InvariantCulture)}";
            switch (await TryCreateAsync(login, key, candidate, link?.UserId, cancellationToken))
            {
                case { User: { } created }:
                    PersistenceLog.UserCreated(logger, created.UserName);
                    return created;
                case { NameTaken: true }:
                    // Past a few tries a random suffix: a crowd of namesakes must not cost a transaction each.
                    suffix = suffix < 4 ? suffix + 1 : RandomNumberGenerator.GetInt32(1000, 1_000_000);
                    break;
                default:
                    // Another sign-in of the same person linked first: read its link again.
                    break;
            }
        }

        throw new InvalidOperationException($"Could not link an upstream user of {login.Issuer} after {MaxAttempts} attempts.");
    }

    public async Task<AppUser?> FindAsync(string issuer, string subject, CancellationToken cancellationToken)
    {
        Validate(issuer, subject);
        var link = await FindLinkAsync(LinkKey(issuer, subject), cancellationToken);
        if (link is null)
        {
            return null;
        }

        var response = await client.GetItemAsync(new GetItemRequest
        {
            TableName = tables.Users,
            Key = UserKey(link.NormalizedUserName),
            ConsistentRead = true,
        }, cancellationToken);
        var user = response.Item is { Count: > 0 } item ? ReadUser(item) : null;
        return user is not null && string.Equals(user.Id, link.UserId, StringComparison.Ordinal) ? user : null;
    }

    private sealed record Link(string UserId, string NormalizedUserName);

    private readonly record struct CreateResult(AppUser? User, bool NameTaken);

    private async Task<Link?> FindLinkAsync(string key, CancellationToken cancellationToken)
    {
        var response = await client.GetItemAsync(new GetItemRequest
        {
            TableName = tables.ExternalLogins,
            Key = new() { [DynamoDbSchema.ExternalLoginKey] = new AttributeValue { S = key } },
            ConsistentRead = true,
        }, cancellationToken);
        if (response.Item is not { Count: > 0 } item)
        {
            return null;
        }

        try
        {
            var reader = new ItemReader(item, tables.ExternalLogins);
            return new Link(reader.Required(UserIdAttribute), reader.Required(DynamoDbSchema.NormalizedUserName));
        }
        catch (MalformedItemException exception)
        {
            PersistenceLog.MalformedItem(logger, tables.ExternalLogins, key, exception.Message);
            return null;
        }
    }

    /// <summary>
    /// The provider is authoritative for its users' groups: they are replaced, not merged (a group removed upstream
    /// is gone here at the next sign-in). Null when the linked user no longer exists under that id.
    /// </summary>
    private async Task<AppUser?> ReplaceGroupsAsync(Link link, IReadOnlyList<string> groups, CancellationToken cancellationToken)
    {
        var members = Members(groups);
        var request = new UpdateItemRequest
        {
            TableName = tables.Users,
            Key = UserKey(link.NormalizedUserName),
            ConditionExpression = "#id = :id",
            ExpressionAttributeNames = new() { ["#id"] = DynamoDbSchema.Id, ["#groups"] = DynamoDbUserStore.GroupsAttribute },
            ExpressionAttributeValues = new() { [":id"] = new AttributeValue { S = link.UserId } },
            ReturnValues = ReturnValue.ALL_NEW,
        };
        if (members.Count == 0)
        {
            request.UpdateExpression = "REMOVE #groups";
        }
        else
        {
            request.UpdateExpression = "SET #groups = :groups";
            request.ExpressionAttributeValues[":groups"] = new AttributeValue { SS = members };
        }

        try
        {
            var response = await client.UpdateItemAsync(request, cancellationToken);
            return ReadUser(response.Attributes);
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    private async Task<CreateResult> TryCreateAsync(
        ExternalLogin login, string key, string userName, string? staleUserId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var user = new AppUser(Guid.NewGuid().ToString("N"), userName, now) { Groups = [.. Members(login.Groups).Order(StringComparer.Ordinal)] };
        var normalized = DynamoDbUserStore.Normalize(userName);
        var linkItem = new ItemWriter()
            .String(DynamoDbSchema.ExternalLoginKey, key)
            .String(UserIdAttribute, user.Id)
            .String(DynamoDbSchema.NormalizedUserName, normalized)
            .String(IssuerAttribute, login.Issuer)
            .String(SubjectAttribute, login.Subject)
            .Date(DynamoDbUserStore.CreatedAtAttribute, now)
            .Item;
        var userItem = new ItemWriter()
            .String(DynamoDbSchema.NormalizedUserName, normalized)
            .String(DynamoDbSchema.Id, user.Id)
            .String(DynamoDbUserStore.UserNameAttribute, user.UserName)
            .Date(DynamoDbUserStore.CreatedAtAttribute, now)
            .Strings(DynamoDbUserStore.GroupsAttribute, user.Groups)
            .String(DynamoDbUserStore.ExternalIssuerAttribute, login.Issuer)
            .Item;

        var linkPut = new Put
        {
            TableName = tables.ExternalLogins,
            Item = linkItem,
            ExpressionAttributeNames = new() { ["#key"] = DynamoDbSchema.ExternalLoginKey },
        };
        if (staleUserId is null)
        {
            linkPut.ConditionExpression = "attribute_not_exists(#key)";
        }
        else
        {
            // Replaces the stale link only as it was read: a concurrent sign-in that relinked first wins.
            linkPut.ConditionExpression = "#user = :stale";
            linkPut.ExpressionAttributeNames["#user"] = UserIdAttribute;
            linkPut.ExpressionAttributeValues = new() { [":stale"] = new AttributeValue { S = staleUserId } };
        }

        try
        {
            await client.TransactWriteItemsAsync(new TransactWriteItemsRequest
            {
                TransactItems =
                [
                    new TransactWriteItem { Put = linkPut },
                    new TransactWriteItem
                    {
                        Put = new Put
                        {
                            TableName = tables.Users,
                            Item = userItem,
                            ConditionExpression = "attribute_not_exists(#name)",
                            ExpressionAttributeNames = new() { ["#name"] = DynamoDbSchema.NormalizedUserName },
                        },
                    },
                ],
            }, cancellationToken);
            return new CreateResult(user, NameTaken: false);
        }
        catch (TransactionCanceledException exception)
        {
            var reasons = exception.CancellationReasons ?? [];
            var linkLost = reasons.Count > 0 && reasons[0].Code == ConditionalCheckFailed;
            var nameTaken = reasons.Count > 1 && reasons[1].Code == ConditionalCheckFailed;
            // Another sign-in's transaction on the same items at the same moment: read again and retry.
            var conflict = reasons.Any(reason => reason.Code == "TransactionConflict");
            if (!linkLost && !nameTaken && !conflict)
            {
                throw;
            }

            return new CreateResult(null, NameTaken: nameTaken && !linkLost);
        }
    }

    private AppUser? ReadUser(Dictionary<string, AttributeValue> item)
    {
        try
        {
            return DynamoDbUserStore.ToUser(new ItemReader(item, tables.Users));
        }
        catch (MalformedItemException exception)
        {
            PersistenceLog.MalformedItem(logger, tables.Users, exception.Attribute, exception.Message);
            return null;
        }
    }

    private static Dictionary<string, AttributeValue> UserKey(string normalizedUserName)
        => new() { [DynamoDbSchema.NormalizedUserName] = new AttributeValue { S = normalizedUserName } };

    private static List<string> Members(IReadOnlyList<string> groups)
        => [.. groups.Where(group => !string.IsNullOrWhiteSpace(group)).Select(group => group.Trim()).Distinct(StringComparer.Ordinal)];

    /// <summary>An issuer URL has no '#' (RFC 8414 §2: no fragment), so the key splits back unambiguously.</summary>
    private static string LinkKey(string issuer, string subject) => $"{issuer}#{subject}";

    /// <summary>The name people see, from the provider's; a blank or unusable one becomes "user".</summary>
    internal static string BaseName(string? preferred)
    {
        var name = new string((preferred ?? "").Where(character => !char.IsControl(character)).ToArray()).Trim();
        if (name.Length > MaxBaseNameLength)
        {
            name = name[..MaxBaseNameLength].TrimEnd();
        }

        return name.Length == 0 ? "user" : name;
    }

    private static void Validate(string issuer, string subject)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        if (issuer.Length > ExternalLogin.MaxIssuerLength || issuer.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException("Not an issuer identifier.", nameof(issuer));
        }

        if (subject.Length > ExternalLogin.MaxSubjectLength)
        {
            throw new ArgumentException($"A subject has at most {ExternalLogin.MaxSubjectLength} characters.", nameof(subject));
        }
    }
}
