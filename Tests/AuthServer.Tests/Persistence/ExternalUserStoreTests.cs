using McpAspire.AuthServer.Persistence.Users;
using McpAspire.AuthServer.Users;

namespace McpAspire.AuthServer.Tests.Persistence;

/// <summary>Upstream users in the real DynamoDB Local: linked by (issuer, subject), one user however many sign in at once.</summary>
public sealed class ExternalUserStoreTests(DynamoDbLocalFixture dynamoDb) : PersistenceTestBase(dynamoDb, ClassPrefix), IClassFixture<DynamoDbLocalFixture>
{
    private const string Issuer = "https://login.example.com/";
    private static readonly string ClassPrefix = TablePrefix.New("external");

    private IExternalUserStore External => Get<IExternalUserStore>();

    private IUserStore Users => Get<IUserStore>();

    [Fact]
    public async Task Ten_first_sign_ins_at_once_make_one_user()
    {
        var login = new ExternalLogin(Issuer, Unique("sub"), Unique("nina"), ["developers"]);

        var users = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => External.SignInAsync(login, CancellationToken.None)));

        Assert.Single(users.Select(user => user.Id).Distinct());
        Assert.Equal(login.PreferredUserName, users[0].UserName);
        Assert.Equal(users[0].Id, (await External.FindAsync(Issuer, login.Subject, CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task An_upstream_user_is_found_by_name_like_any_user_but_cannot_sign_in_with_a_password()
    {
        var user = await External.SignInAsync(new ExternalLogin(Issuer, Unique("sub"), Unique("omar"), ["b", "a"]), CancellationToken.None);

        var active = await Users.FindActiveAsync(user.Id, user.UserName, CancellationToken.None);
        Assert.Equal(["a", "b"], active!.Groups);
        Assert.Null(await Users.ValidateCredentialsAsync(user.UserName, "", CancellationToken.None));
        Assert.Null(await Users.ValidateCredentialsAsync(user.UserName, "anything", CancellationToken.None));
    }

    [Fact]
    public async Task A_taken_name_is_never_overwritten_and_the_same_subject_at_another_issuer_is_someone_else()
    {
        var name = Unique("pat");
        var local = await Users.CreateAsync(name, "a-local-password-1", CancellationToken.None);
        var subject = Unique("sub");

        var here = await External.SignInAsync(new ExternalLogin(Issuer, subject, name, []), CancellationToken.None);
        var there = await External.SignInAsync(new ExternalLogin("https://other.example.com/", subject, name, []), CancellationToken.None);

        Assert.Equal(local.Id, (await Users.FindByNameAsync(name, CancellationToken.None))?.Id);
        Assert.Equal($"{name}-2", here.UserName);
        Assert.Equal($"{name}-3", there.UserName);
        Assert.NotEqual(here.Id, there.Id);
    }

    [Fact]
    public async Task Groups_are_replaced_at_each_sign_in()
    {
        var subject = Unique("sub");
        var first = await External.SignInAsync(new ExternalLogin(Issuer, subject, Unique("quinn"), ["a", "b"]), CancellationToken.None);
        var second = await External.SignInAsync(new ExternalLogin(Issuer, subject, "ignored-now", ["c"]), CancellationToken.None);
        var third = await External.SignInAsync(new ExternalLogin(Issuer, subject, "ignored-now", []), CancellationToken.None);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.UserName, second.UserName);
        Assert.Equal(["c"], second.Groups);
        Assert.Empty(third.Groups);
        Assert.Null(await RawItemAsync(Tables.Users, DynamoDbSchema.NormalizedUserName, "IGNORED-NOW"));
    }
}
