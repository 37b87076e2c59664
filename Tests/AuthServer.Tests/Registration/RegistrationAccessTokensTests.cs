using McpAspire.AuthServer.Registration.Services;

namespace McpAspire.AuthServer.Tests.Registration;

public sealed class RegistrationAccessTokensTests
{
    [Fact]
    public void A_token_matches_its_own_hash_and_no_other()
    {
        var token = RegistrationAccessTokens.NewCredential();
        var hash = RegistrationAccessTokens.Hash(token);

        Assert.True(RegistrationAccessTokens.Matches(token, hash));
        Assert.False(RegistrationAccessTokens.Matches(RegistrationAccessTokens.NewCredential(), hash));
        Assert.False(RegistrationAccessTokens.Matches(token[..^1], hash));
        Assert.False(RegistrationAccessTokens.Matches(token, null));
        Assert.False(RegistrationAccessTokens.Matches(token, "not base64url !"));
    }

    [Fact]
    public void Credentials_are_256_bit_url_safe_and_never_repeat()
    {
        var credentials = Enumerable.Range(0, 100).Select(_ => RegistrationAccessTokens.NewCredential()).ToList();

        Assert.All(credentials, credential => Assert.Matches("^[A-Za-z0-9_-]{43}$", credential));
        Assert.Equal(credentials.Count, credentials.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(credentials[0], RegistrationAccessTokens.Hash(credentials[0]), StringComparison.Ordinal);
    }
}
