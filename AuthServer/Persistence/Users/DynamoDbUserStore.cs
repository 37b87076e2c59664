using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using McpAspire.AuthServer.Persistence.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;

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
            .String("user_name", user.UserName)
            .Date("created_at", user.CreatedAt)
            .String(PasswordHashAttribute, hasher.HashPassword(user, password))
            .Item;

        try
        {
            await client.PutItemAsync(new PutItemRequest
            {
                TableName = tables.Users,
                Item = item,
                ConditionExpression = "attribute_not_exists(#name)",
                ExpressionAttributeNames = new() { ["#name"] = DynamoDbSchema.NormalizedUserName },
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
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

        try
        {
            var reader = new ItemReader(item, tables.Users);
            return new StoredUser(
                new AppUser(reader.Required(DynamoDbSchema.Id), reader.Required("user_name"), reader.Date("created_at") ?? DateTimeOffset.UnixEpoch)
                {
                    Groups = reader.Strings(GroupsAttribute),
                    IsDisabled = reader.Flag(DisabledAttribute),
                },
                reader.String(PasswordHashAttribute));
        }
        catch (MalformedItemException exception)
        {
            PersistenceLog.MalformedItem(logger, tables.Users, Normalize(userName), exception.Message);
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
