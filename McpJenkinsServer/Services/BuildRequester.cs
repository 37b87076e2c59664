using System.Security.Claims;

namespace McpAspire.McpJenkinsServer.Services;

/// <summary>
/// Who asked the MCP server for a build: the signed-in user and the OAuth client, from the access token's
/// introspected claims. Jenkins sees only the server's own account, so builds carry this in their description (and
/// in the <see cref="ParameterName"/> parameter when the job declares one).
/// </summary>
public sealed record BuildRequester(string User, string? ClientId)
{
    /// <summary>The build parameter a job can declare to receive the requester (e.g. to pass it on to a deployment).</summary>
    public const string ParameterName = "MCP_REQUESTED_BY";

    /// <summary>Calls without a signed-in user (never through /mcp, which requires a token).</summary>
    public static readonly BuildRequester Unknown = new("an unknown user", null);

    /// <summary>The requester from a principal: its user name when introspection gave one, else its subject.</summary>
    public static BuildRequester From(ClaimsPrincipal? principal)
    {
        var user = principal?.GetClaim(OpenIddictConstants.Claims.Username)
            ?? principal?.GetClaim(OpenIddictConstants.Claims.Name)
            ?? principal?.GetClaim(OpenIddictConstants.Claims.Subject);
        return string.IsNullOrWhiteSpace(user) ? Unknown : new BuildRequester(Bounded(user) ?? Unknown.User, Bounded(principal?.GetClaim(OpenIddictConstants.Claims.ClientId)));
    }

    /// <summary>"alice (MCP client abc123)": the value of the parameter.</summary>
    public string Describe() => ClientId is null ? User : $"{User} (MCP client {ClientId})";

    /// <summary>The build description.</summary>
    public string Description => $"Requested through the MCP server by {Describe()}.";

    /// <summary>
    /// Claims are the auth server's, but a description is no place for kilobytes, control characters or markup: a
    /// metadata-document client's id is a URL its author chose, and a Jenkins whose markup formatter renders HTML
    /// would render it.
    /// </summary>
    private static string? Bounded(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var clean = new string([.. value.Where(c => !char.IsControl(c)).Select(c => c is '<' or '>' or '"' or '\'' or '`' ? '_' : c)]);
        return clean.Length > 200 ? clean[..200] : clean;
    }
}
