using McpAspire.AuthServer.Persistence.Users;

namespace McpAspire.AuthServer.Tests.Persistence;

public sealed class UserStoreTests(DynamoDbLocalFixture dynamoDb) : PersistenceTestBase(dynamoDb, ClassPrefix), IClassFixture<DynamoDbLocalFixture>
{
    private static readonly string ClassPrefix = TablePrefix.New("users");

    private IUserStore Users => Get<IUserStore>();

    private static string NewPassword() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    [Fact]
    public async Task A_created_user_is_verified_with_the_right_password_and_refused_with_a_wrong_one()
    {
        var userName = Unique("alice");
        var password = NewPassword();
        var created = await Users.CreateAsync(userName, password, CancellationToken.None);

        Assert.Equal(created.Id, (await Users.ValidateCredentialsAsync(userName, password, CancellationToken.None))?.Id);
        Assert.Equal(created.Id, (await Users.ValidateCredentialsAsync(userName.ToUpperInvariant(), password, CancellationToken.None))?.Id);
        Assert.Null(await Users.ValidateCredentialsAsync(userName, password + "x", CancellationToken.None));
        Assert.Null(await Users.ValidateCredentialsAsync(userName, "", CancellationToken.None));
        Assert.Null(await Users.ValidateCredentialsAsync(Unique("nobody"), password, CancellationToken.None));
    }

    [Fact]
    public async Task A_name_no_user_can_have_is_simply_not_found()
    {
        Assert.Null(await Users.FindByNameAsync("   ", CancellationToken.None));
        Assert.Null(await Users.FindByNameAsync(new string('a', 257), CancellationToken.None));
        Assert.Null(await Users.ValidateCredentialsAsync("", NewPassword(), CancellationToken.None));
    }

    [Fact]
    public async Task Only_a_password_hash_is_stored_never_the_password()
    {
        var userName = Unique("bob");
        var password = NewPassword();
        await Users.CreateAsync(userName, password, CancellationToken.None);

        var item = await RawItemAsync(Tables.Users, DynamoDbSchema.NormalizedUserName, userName.ToUpperInvariant());
        Assert.NotNull(item);
        Assert.DoesNotContain(item.Values, value => value.S?.Contains(password, StringComparison.Ordinal) == true);
        // ASP.NET Core Identity's v3 format (PBKDF2 with a salt) starts with the 0x01 marker byte.
        Assert.Equal(0x01, Convert.FromBase64String(item["password_hash"].S)[0]);
    }

    [Fact]
    public async Task Raising_the_iteration_count_hashes_a_stored_password_again_at_its_next_sign_in()
    {
        var userName = Unique("dora");
        var password = NewPassword();
        await Users.CreateAsync(userName, password, CancellationToken.None);
        var raised = int.Parse(DistributedApplicationTestFactory.PasswordHashIterations, CultureInfo.InvariantCulture) * 2;
        using var raisedHost = DynamoDb.CreateHost(Prefix, new Dictionary<string, string?> { ["PasswordHashing:IterationCount"] = raised.ToString(CultureInfo.InvariantCulture) });
        var raisedUsers = raisedHost.Services.GetRequiredService<IUserStore>();

        Assert.Equal(int.Parse(DistributedApplicationTestFactory.PasswordHashIterations, CultureInfo.InvariantCulture), await StoredIterationCountAsync(userName));
        Assert.NotNull(await raisedUsers.ValidateCredentialsAsync(userName, password, CancellationToken.None));
        Assert.Equal(raised, await StoredIterationCountAsync(userName));
        Assert.NotNull(await raisedUsers.ValidateCredentialsAsync(userName, password, CancellationToken.None));
        Assert.Null(await raisedUsers.ValidateCredentialsAsync(userName, password + "x", CancellationToken.None));
    }

    /// <summary>The iteration count of a stored V3 hash: marker byte, PRF, then the count (big-endian).</summary>
    private async Task<int> StoredIterationCountAsync(string userName)
    {
        var item = await RawItemAsync(Tables.Users, DynamoDbSchema.NormalizedUserName, userName.ToUpperInvariant());
        var hash = Convert.FromBase64String(item!["password_hash"].S);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(5, 4));
    }

    [Fact]
    public async Task Creating_a_user_whose_name_is_taken_is_a_conflict_whatever_the_case()
    {
        var userName = Unique("carol");
        await Users.CreateAsync(userName, NewPassword(), CancellationToken.None);

        await Assert.ThrowsAsync<UserAlreadyExistsException>(() => Users.CreateAsync(userName.ToUpperInvariant(), NewPassword(), CancellationToken.None));
    }

    [Fact]
    public async Task Ensuring_an_existing_user_keeps_its_password()
    {
        var userName = Unique("dave");
        var original = NewPassword();
        await Users.EnsureUserAsync(userName, original, CancellationToken.None);
        await Users.EnsureUserAsync(userName, NewPassword(), CancellationToken.None);

        Assert.NotNull(await Users.ValidateCredentialsAsync(userName, original, CancellationToken.None));
    }

    [Fact]
    public async Task The_admin_is_seeded_once_from_configuration_and_no_password_is_ever_logged()
    {
        var adminName = Unique("admin");
        var password = NewPassword();
        var logs = new CapturingLoggerProvider();
        void CaptureLogs(IServiceCollection services) => services.AddLogging(logging => logging.AddProvider(logs));

        using (var first = DynamoDb.CreateHost(Prefix, new Dictionary<string, string?> { ["Admin:UserName"] = adminName, ["Admin:Password"] = password }, CaptureLogs))
        {
            await first.StartAsync();
            await first.StopAsync();
        }

        // A later start with another password (e.g. a rotated secret) must not silently take over the account.
        var otherPassword = NewPassword();
        using (var second = DynamoDb.CreateHost(Prefix, new Dictionary<string, string?> { ["Admin:UserName"] = adminName, ["Admin:Password"] = otherPassword }, CaptureLogs))
        {
            await second.StartAsync();
            await second.StopAsync();
        }

        Assert.NotNull(await Users.ValidateCredentialsAsync(adminName, password, CancellationToken.None));
        Assert.Null(await Users.ValidateCredentialsAsync(adminName, otherPassword, CancellationToken.None));
        Assert.Equal(["admins"], (await Users.FindByNameAsync(adminName, CancellationToken.None))!.Groups);
        Assert.Contains(logs.Entries, entry => entry.Message.Contains(adminName, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, entry => entry.Message.Contains(password, StringComparison.Ordinal)
            || entry.Message.Contains(otherPassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Groups_are_added_once_each_and_read_back_sorted()
    {
        var userName = Unique("erin");
        await Users.CreateAsync(userName, NewPassword(), CancellationToken.None);
        Assert.Empty((await Users.FindByNameAsync(userName, CancellationToken.None))!.Groups);

        Assert.True(await Users.AddToGroupAsync(userName, "team-b", CancellationToken.None));
        Assert.True(await Users.AddToGroupAsync(userName.ToUpperInvariant(), "team-a", CancellationToken.None));
        Assert.True(await Users.AddToGroupAsync(userName, "team-b", CancellationToken.None));

        var user = await Users.FindByNameAsync(userName, CancellationToken.None);
        Assert.Equal(["team-a", "team-b"], user!.Groups);
        Assert.True(user.IsMemberOf("team-a"));
        Assert.False(user.IsMemberOf("TEAM-A"));
    }

    [Fact]
    public async Task Adding_an_unknown_user_to_a_group_creates_nothing()
    {
        var userName = Unique("ghost");
        Assert.False(await Users.AddToGroupAsync(userName, "team-a", CancellationToken.None));
        Assert.Null(await RawItemAsync(Tables.Users, DynamoDbSchema.NormalizedUserName, userName.ToUpperInvariant()));
    }

    [Fact]
    public async Task A_disabled_user_is_refused_with_the_right_password_and_read_as_disabled()
    {
        var userName = Unique("frank");
        var password = NewPassword();
        await Users.CreateAsync(userName, password, CancellationToken.None);
        await Get<IAmazonDynamoDB>().UpdateItemAsync(new UpdateItemRequest
        {
            TableName = Tables.Users,
            Key = new() { [DynamoDbSchema.NormalizedUserName] = new AttributeValue { S = userName.ToUpperInvariant() } },
            UpdateExpression = "SET disabled = :true",
            ExpressionAttributeValues = new() { [":true"] = new AttributeValue { BOOL = true } },
        });

        Assert.Null(await Users.ValidateCredentialsAsync(userName, password, CancellationToken.None));
        Assert.True((await Users.FindByNameAsync(userName, CancellationToken.None))!.IsDisabled);
    }

    [Fact]
    public async Task Users_are_listed_page_by_page_each_once()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 5; i++)
        {
            names.Add((await Users.CreateAsync(Unique("listed"), NewPassword(), CancellationToken.None)).UserName);
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await Users.ListAsync(2, token, CancellationToken.None);
            Assert.True(page.Users.Count <= 2);
            seen.AddRange(page.Users.Select(user => user.UserName));
            token = page.NextPageToken;
        }
        while (token is not null);

        Assert.Subset(seen.ToHashSet(StringComparer.Ordinal), names);
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        await Assert.ThrowsAsync<InvalidPageTokenException>(() => Users.ListAsync(2, "not base64 !", CancellationToken.None));
    }

    [Fact]
    public async Task A_new_password_or_disabling_renews_the_session_stamp_and_the_old_password_stops_working()
    {
        var userName = Unique("grace");
        var password = NewPassword();
        var created = await Users.CreateAsync(userName, password, CancellationToken.None);
        var first = (await Users.FindByNameAsync(userName, CancellationToken.None))!.SessionStamp;
        Assert.NotNull(first);

        var replacement = NewPassword();
        Assert.True(await Users.SetPasswordAsync(userName, replacement, CancellationToken.None));
        var second = (await Users.FindByNameAsync(userName, CancellationToken.None))!.SessionStamp;
        Assert.True(await Users.SetDisabledAsync(userName, disabled: true, CancellationToken.None));
        Assert.True(await Users.SetDisabledAsync(userName, disabled: false, CancellationToken.None));
        var third = (await Users.FindByNameAsync(userName, CancellationToken.None))!;

        Assert.Equal(3, new[] { first, second, third.SessionStamp }.Distinct().Count());
        Assert.False(third.IsDisabled);
        Assert.Null(await Users.ValidateCredentialsAsync(userName, password, CancellationToken.None));
        Assert.Equal(created.Id, (await Users.ValidateCredentialsAsync(userName, replacement, CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task Changing_an_unknown_user_creates_nothing()
    {
        var userName = Unique("nobody");
        Assert.False(await Users.SetGroupsAsync(userName, ["admins"], CancellationToken.None));
        Assert.False(await Users.SetDisabledAsync(userName, disabled: false, CancellationToken.None));
        Assert.False(await Users.SetPasswordAsync(userName, NewPassword(), CancellationToken.None));
        Assert.Null(await RawItemAsync(Tables.Users, DynamoDbSchema.NormalizedUserName, userName.ToUpperInvariant()));
    }
}
