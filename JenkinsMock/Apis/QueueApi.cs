using System.Globalization;
using McpAspire.JenkinsMock.Services;
using Microsoft.Extensions.Primitives;

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

    /// <summary>
    /// Queue.doCancelItem: 204 for a waiting item, 404 for an id the queue does not know (a missing
    /// id reads as 0, as Stapler binds it). An item that already left cannot be cancelled: Jenkins
    /// answers that with a 500, the mock with Jenkins' own 422 wording.
    /// </summary>
    private static IResult CancelItem(HttpContext http, JenkinsInstance instance)
    {
        long id = 0;
        var text = http.Request.Query["id"];
        if (!StringValues.IsNullOrEmpty(text) && !long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out id))
        {
            return JenkinsResults.BadRequest("Query parameter id is not a number");
        }

        var idText = id.ToString(CultureInfo.InvariantCulture);
        return instance.Use((root, now) => BuildSimulator.Cancel(root, id, now)) switch
        {
            CancelOutcome.Cancelled => Results.NoContent(),
            CancelOutcome.AlreadyLeft => JenkinsResults.Text($"Item for id ({idText}) is not cancellable", StatusCodes.Status422UnprocessableEntity),
            _ => JenkinsResults.Text($"Provided id ({idText}) not found", StatusCodes.Status404NotFound),
        };
    }
}
