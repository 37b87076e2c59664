namespace McpAspire.JenkinsMock.Apis;

/// <summary>The root object and its views.</summary>
public static class RootApi
{
    public static IEndpointRouteBuilder MapRootApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => JenkinsResults.Page("Dashboard"));
        app.MapGet("/api/json", (HttpContext http, JenkinsInstance instance) => JenkinsResults.Export(http, instance, root => root));
        app.MapGet("/view/{name}/", (string name, JenkinsInstance instance)
            => instance.Use((root, _) => root.Views.Exists(view => view.Name == name)) ? JenkinsResults.Page(name) : JenkinsResults.NotFound());
        app.MapGet("/view/{name}/api/json", (string name, HttpContext http, JenkinsInstance instance)
            => JenkinsResults.Export(http, instance, root => root.Views.Find(view => view.Name == name)));
        return app;
    }
}
