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
    /// Queue.doCancelItem: Queue.getItem(id) finds waiting and left items alike. An item the user may not read is
    /// "not found" (404, also for an unknown id; a missing id reads as 0, as Stapler binds it); without Job/Cancel
    /// 422 "is not cancellable"; an item that already left cannot be cancelled: 500 "Could not cancel run".
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
        var viewer = http.GetJenkinsIdentity();
        return instance.Use((root, now) =>
        {
            if (root.Queue.Find(id) is not { } item || !viewer.Permissions.Has(PermissionKind.JobRead, item.Task))
            {
                return JenkinsResults.Text($"Provided id ({idText}) not found", StatusCodes.Status404NotFound);
            }

            if (!viewer.Permissions.Has(PermissionKind.JobCancel, item.Task))
            {
                return JenkinsResults.Text($"Item for id ({idText}) is not cancellable", StatusCodes.Status422UnprocessableEntity);
            }

            return BuildSimulator.Cancel(root, id, now) == CancelOutcome.Cancelled
                ? Results.NoContent()
                : JenkinsResults.Text($"Could not cancel run for id {idText}", StatusCodes.Status500InternalServerError);
        });
    }
}
