using System.Globalization;
using McpAspire.JenkinsMock.Services;

namespace McpAspire.JenkinsMock.Apis;

/// <summary>The build queue: its items, one item (also after it left), and cancelling.</summary>
public static class QueueApi
{
    public static IEndpointRouteBuilder MapQueueApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/queue/api/json", (HttpContext http, JenkinsInstance instance) => JenkinsResults.Export(http, instance, root => root.Queue));
        app.MapGet("/queue/item/{id:long}/", (long id, JenkinsInstance instance)
            => instance.Use((root, _) => root.Queue.Find(id) is not null) ? JenkinsResults.Page($"Queue item {id.ToString(CultureInfo.InvariantCulture)}") : JenkinsResults.NotFound());
        app.MapGet("/queue/item/{id:long}/api/json", (long id, HttpContext http, JenkinsInstance instance)
            => JenkinsResults.Export(http, instance, root => root.Queue.Find(id)));
        app.MapPost("/queue/cancelItem", CancelItem);
        app.MapMethods("/queue/cancelItem", [HttpMethods.Get, HttpMethods.Head], JenkinsResults.RequirePost);
        return app;
    }

    /// <summary>Queue.doCancelItem: 204, or 404 for an id the queue does not know.</summary>
    private static IResult CancelItem(HttpContext http, JenkinsInstance instance)
    {
        if (!long.TryParse(http.Request.Query["id"], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return JenkinsResults.BadRequest("Query parameter id is missing or not a number");
        }

        return instance.Use((root, now) => BuildSimulator.Cancel(root, id, now))
            ? Results.NoContent()
            : JenkinsResults.Text("Provided queue item cannot be found", StatusCodes.Status404NotFound);
    }
}
