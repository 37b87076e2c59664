using System.Net.Http.Headers;
using System.Text;

namespace McpAspire.AccessPolicy.JenkinsIdentity;

/// <summary>
/// How every Jenkins request of McpAspire authenticates, whoever it runs as: HTTP Basic with a user id and an API token
/// (API-token requests need no CSRF crumb). One place for the server's account, a user's linked identity and the auth
/// server's check of a token before it is linked.
/// </summary>
public static class JenkinsBasicAuthentication
{
    public static AuthenticationHeaderValue Header(string user, string apiToken)
        => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{apiToken}")));
}
