using System.Buffers.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace McpAspire.AuthServer.Persistence.Users;

/// <summary>
/// Users in DynamoDB, keyed by the normalized (upper-case invariant) user name. Only the PasswordHasher's
/// hash is stored (PBKDF2 with a per-user salt); neither the password nor the hash is ever logged.
/// </summary>
internal sealed class DynamoDbUserStore(
    IAmazonDynamoDB client,
    DynamoDbTableNames tables,
    IPasswordHasher<AppUser> hasher,
    TimeProvider clock,
    ILogger<DynamoDbUserStore> logger) : IUserStore
{
    public const int MaxUserNameLength = 256;

    internal const string PasswordHashAttribute = "password_hash";
    internal const string GroupsAttribute = "groups";
    internal const string DisabledAttribute = "disabled";
    internal const string UserNameAttribute = "user_name";
    internal const string CreatedAtAttribute = "created_at";
    internal const string SessionStampAttribute = "session_stamp";
    internal const string ExternalIssuerAttribute = "external_issuer";
    private const int MaxPageSize = 100;

    // Verified against when the user is unknown, so that path costs as much as a real verification.
    private static readonly AppUser PlaceholderUser = new("placeholder", "placeholder", DateTimeOffset.UnixEpoch);
    private readonly Lazy<string> _placeholderHash = new(() => hasher.HashPassword(PlaceholderUser, Guid.NewGuid().ToString("N")));

    /// <summary>Null for an unknown user, and for a name no user can have (blank or too long): input, not a bug.</summary>
    public async Task<AppUser?> FindByNameAsync(string userName, CancellationToken cancellationToken)
        => IsPossibleUserName(userName) ? (await FindItemAsync(userName, cancellationToken))?.User : null;

    public async Task<AppUser?> ValidateCredentialsAsync(string userName, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        var found = IsPossibleUserName(userName) ? await FindItemAsync(userName, cancellationToken) : null;
        // A user of an upstream identity provider has no password here: it signs in there only.
        if (found is not { PasswordHash: not null } user)
        {
            hasher.VerifyHashedPassword(PlaceholderUser, _placeholderHash.Value, password);
            return null;
        }

        var result = hasher.VerifyHashedPassword(user.User, user.PasswordHash, password);
        // A disabled user is refused after the verification, so the answer time does not tell disabled accounts apart.
        if (result == PasswordVerificationResult.Failed || user.User.IsDisabled)
        {
            return null;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await RehashAsync(user, password, cancellationToken);
        }

        return user.User;
    }

    public async Task<AppUser> CreateAsync(string userName, string password, CancellationToken cancellationToken)
    {
        ValidateUserName(userName);
        ArgumentException.ThrowIfNullOrEmpty(password);

        var user = new AppUser(Guid.NewGuid().ToString("N"), userName.Trim(), clock.GetUtcNow());
        var item = new ItemWriter()
            .String(DynamoDbSchema.NormalizedUserName, Normalize(userName))
            .String(DynamoDbSchema.Id, user.Id)
            .String(UserNameAttribute, user.UserName)
            .Date(CreatedAtAttribute, user.CreatedAt)
            .String(PasswordHashAttribute, hasher.HashPassword(user, password))
            .String(SessionStampAttribute, NewSessionStamp())
            .Item;

        if (!await DynamoDbNewItem.TryPutAsync(client, tables.Users, item, DynamoDbSchema.NormalizedUserName, cancellationToken))
        {
            throw new UserAlreadyExistsException(user.UserName);
        }

        PersistenceLog.UserCreated(logger, user.UserName);
        return user;
    }

    public async Task EnsureUserAsync(string userName, string password, CancellationToken cancellationToken)
    {
        if (await FindItemAsync(userName, cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await CreateAsync(userName, password, cancellationToken);
        }
        catch (UserAlreadyExistsException)
        {
            // Another replica seeded it between our read and our write.
        }
    }

    public async Task<bool> AddToGroupAsync(string userName, string group, CancellationToken cancellationToken)
    {
        ValidateUserName(userName);
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        try
        {
            await client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = tables.Users,
                Key = new() { [DynamoDbSchema.NormalizedUserName] = new AttributeValue { S = Normalize(userName) } },
                UpdateExpression = "ADD #groups :group",
                ConditionExpression = "attribute_exists(#name)",
                ExpressionAttributeNames = new() { ["#groups"] = GroupsAttribute, ["#name"] = DynamoDbSchema.NormalizedUserName },
                ExpressionAttributeValues = new() { [":group"] = new AttributeValue { SS = [group] } },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async Task<UserPage> ListAsync(int pageSize, string? pageToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var request = new ScanRequest
        {
            TableName = tables.Users,
            Limit = Math.Min(pageSize, MaxPageSize),
            ConsistentRead = true,
        };
        if (pageToken is not null)
        {
            request.ExclusiveStartKey = new() { [DynamoDbSchema.NormalizedUserName] = new AttributeValue { S = DecodePageToken(pageToken) } };
        }

        var response = await client.ScanAsync(request, cancellationToken);
        var users = new List<AppUser>(response.Items?.Count ?? 0);
        foreach (var item in response.Items ?? [])
        {
            if (Read(item) is { } stored)
            {
                users.Add(stored.User);
            }
        }

        var next = response.LastEvaluatedKey is { Count: > 0 } last && last.TryGetValue(DynamoDbSchema.NormalizedUserName, out var key) && key.S is not null
            ? Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(key.S))
            : null;
        return new UserPage(users, next);
    }

    public Task<bool> SetGroupsAsync(string userName, IReadOnlyCollection<string> groups, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var members = groups.Where(group => !string.IsNullOrWhiteSpace(group)).Distinct(StringComparer.Ordinal).ToList();
        return members.Count == 0
            ? UpdateExistingAsync(userName, "REMOVE #groups", new() { ["#groups"] = GroupsAttribute }, [], cancellationToken)
            : UpdateExistingAsync(userName, "SET #groups = :groups", new() { ["#groups"] = GroupsAttribute },
                new() { [":groups"] = new AttributeValue { SS = members } }, cancellationToken);
    }

    public Task<bool> SetDisabledAsync(string userName, bool disabled, CancellationToken cancellationToken)
        => UpdateExistingAsync(userName,
            disabled ? "SET #disabled = :true, #stamp = :stamp" : "REMOVE #disabled SET #stamp = :stamp",
            new() { ["#disabled"] = DisabledAttribute, ["#stamp"] = SessionStampAttribute },
            disabled
                ? new() { [":true"] = new AttributeValue { BOOL = true }, [":stamp"] = new AttributeValue { S = NewSessionStamp() } }
                : new() { [":stamp"] = new AttributeValue { S = NewSessionStamp() } },
            cancellationToken);

    public async Task<bool> SetPasswordAsync(string userName, string password, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var user = await FindByNameAsync(userName, cancellationToken);
        if (user is null)
        {
            return false;
        }

        return await UpdateExistingAsync(userName, "SET #hash = :hash, #stamp = :stamp",
            new() { ["#hash"] = PasswordHashAttribute, ["#stamp"] = SessionStampAttribute },
            new()
            {
                [":hash"] = new AttributeValue { S = hasher.HashPassword(user, password) },
                [":stamp"] = new AttributeValue { S = NewSessionStamp() },
            },
            cancellationToken);
    }

    /// <summary>An update of an existing user only: the condition keeps a mistyped name from creating a stray item.</summary>
    private async Task<bool> UpdateExistingAsync(
        string userName,
        string update,
        Dictionary<string, string> names,
        Dictionary<string, AttributeValue> values,
        CancellationToken cancellationToken)
    {
        if (!IsPossibleUserName(userName))
        {
            return false;
        }

        names["#name"] = DynamoDbSchema.NormalizedUserName;
        try
        {
            await client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = tables.Users,
                Key = new() { [DynamoDbSchema.NormalizedUserName] = new AttributeValue { S = Normalize(userName) } },
                UpdateExpression = update,
                ConditionExpression = "attribute_exists(#name)",
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values.Count > 0 ? values : null,
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static string NewSessionStamp() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    private static string DecodePageToken(string pageToken)
    {
        try
        {
            var key = System.Text.Encoding.UTF8.GetString(Base64Url.DecodeFromChars(pageToken));
            return IsPossibleUserName(key) ? key : throw new InvalidPageTokenException();
        }
        catch (FormatException)
        {
            throw new InvalidPageTokenException();
        }
    }

    /// <summary>The user an item of the users table describes (local or upstream); <see cref="MalformedItemException"/> when it breaks the schema.</summary>
    internal static AppUser ToUser(ItemReader reader) =>
        new(reader.Required(DynamoDbSchema.Id), reader.Required(UserNameAttribute), reader.Date(CreatedAtAttribute) ?? DateTimeOffset.UnixEpoch)
        {
            Groups = reader.Strings(GroupsAttribute),
            IsDisabled = reader.Flag(DisabledAttribute),
            SessionStamp = reader.String(SessionStampAttribute),
            ExternalIssuer = reader.String(ExternalIssuerAttribute),
        };

    /// <summary>A user as stored; a user who signs in elsewhere (a company identity provider) has no password hash.</summary>
    private sealed record StoredUser(AppUser User, string? PasswordHash);

    private async Task<StoredUser?> FindItemAsync(string userName, CancellationToken cancellationToken)
    {
        ValidateUserName(userName);
        var response = await client.GetItemAsync(new GetItemRequest
        {
            TableName = tables.Users,
            Key = new() { [DynamoDbSchema.NormalizedUserName] = new AttributeValue { S = Normalize(userName) } },
            ConsistentRead = true,
        }, cancellationToken);
        if (response.Item is not { Count: > 0 } item)
        {
            return null;
        }

        return Read(item);
    }

    private StoredUser? Read(Dictionary<string, AttributeValue> item)
    {
        try
        {
            var reader = new ItemReader(item, tables.Users);
            return new StoredUser(ToUser(reader), reader.String(PasswordHashAttribute));
        }
        catch (MalformedItemException exception)
        {
            PersistenceLog.MalformedItem(logger, tables.Users, item.TryGetValue(DynamoDbSchema.NormalizedUserName, out var key) ? key.S ?? "" : "", exception.Message);
            return null;
        }
    }

    /// <summary>The hasher asks for a stronger hash (its defaults grew): replace it, unless the password changed meanwhile.</summary>
    private async Task RehashAsync(StoredUser user, string password, CancellationToken cancellationToken)
    {
        try
        {
            await client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = tables.Users,
                Key = new() { [DynamoDbSchema.NormalizedUserName] = new AttributeValue { S = Normalize(user.User.UserName) } },
                UpdateExpression = "SET #hash = :new",
                ConditionExpression = "#hash = :old",
                ExpressionAttributeNames = new() { ["#hash"] = PasswordHashAttribute },
                ExpressionAttributeValues = new()
                {
                    [":new"] = new AttributeValue { S = hasher.HashPassword(user.User, password) },
                    // Only users who signed in with a password get here, so there is a hash.
                    [":old"] = new AttributeValue { S = user.PasswordHash! },
                },
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // Changed concurrently; the next sign-in rehashes if still needed.
        }
    }

    private static bool IsPossibleUserName(string? userName)
        => !string.IsNullOrWhiteSpace(userName) && userName.Length <= MaxUserNameLength;

    private static void ValidateUserName(string userName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        if (userName.Length > MaxUserNameLength)
        {
            throw new ArgumentException($"A user name has at most {MaxUserNameLength} characters.", nameof(userName));
        }
    }

    internal static string Normalize(string userName) => userName.Trim().ToUpperInvariant();
}
