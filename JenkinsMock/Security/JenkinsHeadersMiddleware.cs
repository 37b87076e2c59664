using System.Security.Cryptography;

namespace McpAspire.JenkinsMock.Security;

/// <summary>The headers Jenkins puts on every answer, errors included: version, session and nosniff.</summary>
public sealed class JenkinsHeadersMiddleware(RequestDelegate next, IOptions<JenkinsOptions> options)
{
    /// <summary>Changes on every start of the mock, like Jenkins' X-Jenkins-Session.</summary>
    private readonly string _instanceSession = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers["X-Jenkins"] = options.Value.Version;
        headers["X-Hudson"] = "1.395";
        headers["X-Jenkins-Session"] = _instanceSession;
        headers.XContentTypeOptions = "nosniff";
        return next(context);
    }
}
