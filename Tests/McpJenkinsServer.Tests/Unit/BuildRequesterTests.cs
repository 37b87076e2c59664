using System.Security.Claims;

namespace McpAspire.McpJenkinsServer.Tests.Unit;

public sealed class BuildRequesterTests
{
    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims)
        => new(new ClaimsIdentity(claims.Select(claim => new Claim(claim.Type, claim.Value)), "introspection"));

    [Fact]
    public void The_description_names_the_user_and_the_client()
    {
        var requester = BuildRequester.From(Principal(("username", "alice"), ("client_id", "abc123"), ("sub", "s-1")));

        Assert.Equal("Requested through the MCP server by alice (MCP client abc123).", requester.Description);
    }

    [Fact]
    public void A_client_id_chosen_by_its_author_cannot_put_markup_or_kilobytes_into_a_Jenkins_description()
    {
        var clientId = "https://evil.example/c<img src=x onerror='alert(1)'>\"`\n" + new string('a', 5000);

        var requester = BuildRequester.From(Principal(("username", "alice"), ("client_id", clientId)));

        Assert.DoesNotContain('<', requester.Description);
        Assert.DoesNotContain('>', requester.Description);
        Assert.DoesNotContain('"', requester.Description);
        Assert.DoesNotContain('\'', requester.Description);
        Assert.DoesNotContain('`', requester.Description);
        Assert.DoesNotContain('\n', requester.Description);
        Assert.True(requester.ClientId!.Length <= 200);
        Assert.StartsWith("https://evil.example/c_img src=x onerror=_alert(1)__", requester.ClientId, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_user_name_the_subject_is_named()
        => Assert.Equal("s-1", BuildRequester.From(Principal(("sub", "s-1"))).User);
}
