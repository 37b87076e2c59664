using System.Net;

namespace McpAspire.JenkinsMock.Apis;

/// <summary>The answers every API group shares: pruned JSON, Jenkins' error statuses, redirects and object pages.</summary>
public static class JenkinsResults
{
    private const string JsonContentType = "application/json;charset=utf-8";
    private const string TextContentType = "text/plain;charset=UTF-8";

    /// <summary>The root URL clients used to reach the mock, which every exported URL starts with.</summary>
    public static string RootUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/";

    /// <summary>
    /// <c>/api/json</c> for what <paramref name="select"/> finds (404 when nothing), pruned by
    /// <c>?tree=</c> or <c>?depth=</c>, indented with <c>?pretty=true</c>.
    /// </summary>
    public static IResult Export(HttpContext http, JenkinsInstance instance, Func<JenkinsRoot, IExportable?> select)
    {
        if (!TryReadPruner(http.Request, out var pruner, out var error))
        {
            return error;
        }

        var pretty = string.Equals(http.Request.Query["pretty"], "true", StringComparison.OrdinalIgnoreCase);
        var rootUrl = RootUrl(http.Request);
        var viewer = http.GetJenkinsIdentity();
        var json = instance.Use((root, now) => select(root) is { } target
            ? JenkinsJsonWriter.Write(target, pruner, new ExportContext(rootUrl, now, item => viewer.Permissions.Has(PermissionKind.JobRead, item)), pretty)
            : null);
        return json is null ? NotFound() : Results.Bytes(json, JsonContentType);
    }

    private static bool TryReadPruner(HttpRequest request, out TreePruner pruner, out IResult error)
    {
        error = Results.Empty;
        pruner = TreePruner.ByDepth(0);
        if (request.Query.TryGetValue("tree", out var tree) && !string.IsNullOrEmpty(tree))
        {
            try
            {
                pruner = TreePruner.ByTree(TreeSpec.Parse(tree!));
                return true;
            }
            catch (FormatException exception)
            {
                error = BadRequest(exception.Message);
                return false;
            }
        }

        if (request.Query.TryGetValue("depth", out var depthText) && !string.IsNullOrEmpty(depthText))
        {
            if (!int.TryParse(depthText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var depth) || depth is < 0 or > 10)
            {
                error = BadRequest("depth must be a number from 0 to 10");
                return false;
            }

            pruner = TreePruner.ByDepth(depth);
        }

        return true;
    }

    public static IResult Text(string text, int status = StatusCodes.Status200OK)
        => Results.Text(text, TextContentType, Encoding.UTF8, status);

    public static IResult NotFound() => Text("Not Found", StatusCodes.Status404NotFound);

    public static IResult BadRequest(string message) => Text(message, StatusCodes.Status400BadRequest);

    public static IResult Conflict(string message) => Text(message, StatusCodes.Status409Conflict);

    /// <summary>Stapler's @RequirePOST answer to any other method.</summary>
    public static IResult RequirePost() => new RequirePostResult();

    /// <summary>A redirect with an absolute Location, as Stapler's sendRedirect writes it.</summary>
    public static IResult RedirectTo(string absoluteUrl, int status) => new LocationResult(absoluteUrl, status);

    /// <summary>A minimal HTML page for an object URL, so a followed redirect lands on 200 like in Jenkins.</summary>
    public static IResult Page(string title)
    {
        var encoded = WebUtility.HtmlEncode(title);
        return Results.Content(
            $"<!DOCTYPE html><html><head><title>{encoded} [Jenkins]</title></head><body><h1>{encoded}</h1><p><a href=\"api/json?pretty=true\">REST API</a></p></body></html>",
            "text/html;charset=utf-8");
    }

    private sealed class RequirePostResult : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            httpContext.Response.Headers.Allow = "POST";
            httpContext.Response.ContentType = TextContentType;
            return httpContext.Response.WriteAsync("This URL requires POST");
        }
    }

    private sealed class LocationResult(string location, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
