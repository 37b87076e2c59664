namespace McpAspire.JenkinsMock.Apis;

/// <summary>Nodes and their executors: <c>/computer/</c> and <c>/computer/NAME/</c> (the built-in node is <c>(built-in)</c>).</summary>
public static class ComputerApi
{
    public static IEndpointRouteBuilder MapComputerApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/computer/api/json", (HttpContext http, JenkinsInstance instance) => JenkinsResults.Export(http, instance, root => root.Computers));
        app.MapGet("/computer/{name}/api/json", (string name, HttpContext http, JenkinsInstance instance)
            => JenkinsResults.Export(http, instance, root => root.Computers.Find(name)));
        return app;
    }
}
