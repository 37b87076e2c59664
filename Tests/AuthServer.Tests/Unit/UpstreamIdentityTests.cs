using System.Security.Claims;
using McpAspire.AuthServer.ExternalSignIn;

namespace McpAspire.AuthServer.Tests.Unit;

/// <summary>What is kept of an upstream principal: subject, a name to show, and the groups in whatever shape they came.</summary>
public sealed class UpstreamIdentityTests
{
    private const string Issuer = "https://login.example.com/";

    [Fact]
    public void Groups_come_as_one_claim_per_element_as_one_JSON_array_claim_as_one_string_or_not_at_all()
    {
        Assert.Equal(["a", "b"], UpstreamIdentity.Groups(Principal(("groups", "a"), ("groups", "b"), ("groups", "a")), "groups"));
        Assert.Equal(["a", "b"], UpstreamIdentity.Groups(Principal(("groups", "[\"a\",\"b\",7,{\"x\":1}]")), "groups"));
        Assert.Equal(["only"], UpstreamIdentity.Groups(Principal(("groups", "only")), "groups"));
        Assert.Empty(UpstreamIdentity.Groups(Principal(("sub", "1")), "groups"));
        Assert.Equal(["[not json"], UpstreamIdentity.Groups(Principal(("groups", "[not json")), "groups"));
        Assert.Equal(["admins"], UpstreamIdentity.Groups(Principal(("cognito:groups", "admins"), ("groups", "other")), "cognito:groups"));
    }

    [Fact]
    public void The_subject_identifies_the_person_and_the_name_is_the_preferred_username_or_the_next_best()
    {
        var login = UpstreamIdentity.From(Principal(("sub", "00u1"), ("email", "x@example.com"), ("name", "Xavier"), ("preferred_username", "xav")), Issuer, "groups");
        Assert.Equal((Issuer, "00u1", "xav"), (login!.Issuer, login.Subject, login.PreferredUserName));

        Assert.Equal("Xavier", UpstreamIdentity.From(Principal(("sub", "1"), ("name", "Xavier"), ("email", "x@example.com")), Issuer, "groups")!.PreferredUserName);
        Assert.Equal("x@example.com", UpstreamIdentity.From(Principal(("sub", "1"), ("email", "x@example.com")), Issuer, "groups")!.PreferredUserName);
        // GitHub: OAuth 2.0 only; OpenIddict's web provider names the user id as the name identifier.
        Assert.Equal("42", UpstreamIdentity.From(Principal((ClaimTypes.NameIdentifier, "42"), (ClaimTypes.Name, "octocat")), Issuer, "groups")!.Subject);
    }

    [Fact]
    public void Without_a_subject_there_is_no_login_even_with_an_email()
        => Assert.Null(UpstreamIdentity.From(Principal(("email", "x@example.com"), ("preferred_username", "x")), Issuer, "groups"));

    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims)
        => new(new ClaimsIdentity(claims.Select(claim => new Claim(claim.Type, claim.Value)), "upstream"));
}
