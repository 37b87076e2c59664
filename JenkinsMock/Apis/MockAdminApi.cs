namespace McpAspire.JenkinsMock.Apis;

/// <summary>
/// Not part of Jenkins: a reset for the dashboard's button, so a demo can start over from the
/// seeded instance. Authenticated like every other request.
/// </summary>
public static class MockAdminApi
{
    public static IEndpointRouteBuilder MapMockAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/mock/reset", (JenkinsInstance instance) =>
        {
            instance.Reset();
            return Results.NoContent();
        });
        return app;
    }
}
