using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol.AspNetCore.Authentication;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace McpAspire.McpJenkinsServer.Authorization;

/// <summary>
/// The SDK's MCP scheme (it serves the RFC 9728 metadata) with complete challenges. The SDK's own challenge only
/// names <c>resource_metadata</c>; the MCP authorization spec also wants <c>scope</c>, <c>error="invalid_token"</c>
/// for a bad token, and a 403 <c>insufficient_scope</c> so clients can step up. An auth server that cannot be
/// reached is a 503, not a 401: the client's token may be fine, and re-authorizing would not help.
/// </summary>
public sealed class McpBearerChallengeHandler(
    IOptionsMonitor<McpAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<McpResourceOptions> resource) : McpAuthenticationHandler(options, logger, encoder)
{
    /// <summary>The <see cref="AuthenticationProperties"/> item naming the scopes a forbidden request needed.</summary>
    public const string RequiredScopeItem = "mcp.required_scope";

    private static readonly string[] UnavailableErrors = [Errors.ServerError, Errors.TemporarilyUnavailable];

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // Screened out before introspection (TokenScreeningMiddleware): answered without asking the auth server.
        var screened = Context.Items.TryGetValue(TokenScreeningMiddleware.VerdictItem, out var verdict) ? verdict as ScreeningVerdict? : null;
        if (screened == ScreeningVerdict.AddressLimited)
        {
            var wait = Context.Items[TokenScreeningMiddleware.RetryAfterItem] is TimeSpan retryAfter ? retryAfter : TimeSpan.FromMinutes(1);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            RetryAfter.Set(Response, wait);
            return;
        }

        if (screened == ScreeningVerdict.KnownInvalid)
        {
            WriteUnauthorized(invalidToken: true);
            return;
        }

        var result = await Context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        var error = result.Properties?.GetString(OpenIddictValidationAspNetCoreConstants.Properties.Error);

        if (error is not null && UnavailableErrors.Contains(error))
        {
            // Fail closed, but say why: the token could not be checked.
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "5";
            return;
        }

        WriteUnauthorized(invalidToken: result.Failure is not null);
    }

    /// <summary>
    /// 401 naming the metadata and the least scope that is of use (<c>mcp:read</c>): clients that follow MCP
    /// 2025-11-25 ask for what the challenge names, and write access is asked for only when a write tool's 403
    /// <c>insufficient_scope</c> challenge names it (step-up), never on first contact.
    /// </summary>
    private void WriteUnauthorized(bool invalidToken)
    {
        var parameters = new List<(string, string)>
        {
            ("resource_metadata", resource.Value.ResourceMetadataUrl.AbsoluteUri),
            ("scope", McpScopes.Read),
        };
        if (invalidToken)
        {
            parameters.Add(("error", Errors.InvalidToken));
            parameters.Add(("error_description", "The access token is not valid for this resource: expired, revoked, or issued for another audience."));
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, BearerChallenge.Format(parameters));
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var scope = properties.Items.TryGetValue(RequiredScopeItem, out var needed) && needed is not null
            ? needed
            : string.Join(' ', McpScopes.All);

        Response.StatusCode = StatusCodes.Status403Forbidden;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, BearerChallenge.Format(
        [
            ("error", Errors.InsufficientScope),
            ("scope", scope),
            ("resource_metadata", resource.Value.ResourceMetadataUrl.AbsoluteUri),
            ("error_description", $"This request needs the scope(s) '{scope}'."),
        ]));
        return Task.CompletedTask;
    }
}
