using McpAspire.AuthServer.ClientAuthentication;

namespace McpAspire.AuthServer.Tests.Unit;

public sealed class VerifiedClientSecretsTests
{
    private const string StoredHash = "AQAAAAEAACcQAAAAEJ1c2FsdHlzYWx0eXNhbHR5";

    [Fact]
    public void A_secret_is_known_only_after_it_was_added_for_that_stored_hash()
    {
        using var verified = new VerifiedClientSecrets();
        Assert.False(verified.Contains(StoredHash, "s3cret"));

        verified.Add(StoredHash, "s3cret");

        Assert.True(verified.Contains(StoredHash, "s3cret"));
        Assert.False(verified.Contains(StoredHash, "s3cret "));
        Assert.False(verified.Contains(StoredHash, "other"));
    }

    [Fact]
    public void A_rotated_secret_has_a_new_stored_hash_so_the_old_verification_no_longer_applies()
    {
        using var verified = new VerifiedClientSecrets();
        verified.Add(StoredHash, "s3cret");

        Assert.False(verified.Contains(StoredHash + "rotated", "s3cret"));
    }

    [Fact]
    public void Two_instances_never_share_keys()
    {
        using var first = new VerifiedClientSecrets();
        using var second = new VerifiedClientSecrets();
        first.Add(StoredHash, "s3cret");

        Assert.False(second.Contains(StoredHash, "s3cret"));
    }

    [Fact]
    public void Empty_values_are_refused()
    {
        using var verified = new VerifiedClientSecrets();
        Assert.Throws<ArgumentException>(() => verified.Add("", "s3cret"));
        Assert.Throws<ArgumentException>(() => verified.Contains(StoredHash, ""));
    }
}
