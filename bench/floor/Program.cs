// The floor of the two hot paths on this stack: the network calls each request of them cannot do without, made with
// the same clients (ASP.NET Core's Kestrel, HttpClient, the AWS SDK) and nothing else, no OpenIddict, no MCP SDK, no
// access-policy logic, no audit. What it answers is what a client needs to count the answer as right. bench/run.sh
// loads it beside the real servers; whatever CPU a request costs here, no implementation on this stack can save.
// Written by hand because measuring the libraries' share means leaving them out.
//
//   POST /introspect   RFC 7662 as the auth server answers it: the form's token, one consistent GetItem, the JSON.
//   POST /mcp          tools/call as the MCP server answers it: introspection at the real auth server, one
//                      BatchGetItem (the policy read), Jenkins' job list, a JSON-RPC result with the jobs.
//
// Floor:ServiceDefaults=true adds the project's ServiceDefaults (OpenTelemetry with its export, the standard resilience
// handler on every HttpClient, service discovery), so that the cost of that plumbing is measured apart.
using System.Net.Http.Headers;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime.Credentials;

var builder = WebApplication.CreateBuilder(args);
if (builder.Configuration.GetValue<bool>("Floor:ServiceDefaults"))
{
    builder.AddServiceDefaults();
}

string Required(string name) => builder.Configuration["Floor:" + name] ?? throw new InvalidOperationException($"Floor:{name} is required.");
var table = Required("Table");
var introspectionUrl = new Uri(Required("IntrospectionUrl"));
var introspectionAuthorization = AuthenticationHeaderValue.Parse(Required("IntrospectionAuthorization"));
var jenkinsUrl = new Uri(Required("JenkinsUrl"));
var jenkinsAuthorization = AuthenticationHeaderValue.Parse(Required("JenkinsAuthorization"));

// As the services configure theirs (AccessPolicyExtensions): endpoint, region and credentials from the environment.
builder.Services.AddSingleton<IAmazonDynamoDB>(_ =>
{
    var config = new AmazonDynamoDBConfig { Timeout = TimeSpan.FromSeconds(5), MaxErrorRetry = 2 };
    return new AmazonDynamoDBClient(DefaultAWSCredentialsIdentityResolver.GetCredentials(config), config);
});
builder.Services.AddHttpClient("introspection", http => http.DefaultRequestHeaders.Authorization = introspectionAuthorization);
builder.Services.AddHttpClient("jenkins", http =>
{
    http.BaseAddress = jenkinsUrl;
    http.DefaultRequestHeaders.Authorization = jenkinsAuthorization;
});

var app = builder.Build();
var dynamoDb = app.Services.GetRequiredService<IAmazonDynamoDB>();
var clients = app.Services.GetRequiredService<IHttpClientFactory>();
var readKey = new Dictionary<string, AttributeValue> { ["id"] = new("bench-read") };

app.MapPost("/introspect", async (HttpRequest request, CancellationToken cancellationToken) =>
{
    if (!request.HasFormContentType || !request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.Ordinal)
        || string.IsNullOrEmpty((await request.ReadFormAsync(cancellationToken))["token"]))
    {
        return Results.BadRequest();
    }

    var item = await dynamoDb.GetItemAsync(new GetItemRequest { TableName = table, Key = readKey, ConsistentRead = true }, cancellationToken);
    return item.Item is { Count: > 0 }
        ? Results.Json(new IntrospectionAnswer(true, "mcp:read", "bench", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()))
        : Results.Json(new IntrospectionAnswer(false, null, null, null));
});

app.MapPost("/mcp", async (HttpRequest request, HttpResponse response, CancellationToken cancellationToken) =>
{
    using var call = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
    var id = call.RootElement.GetProperty("id").Clone();
    var bearer = request.Headers.Authorization.ToString();
    if (!bearer.StartsWith("Bearer ", StringComparison.Ordinal))
    {
        return Results.Unauthorized();
    }

    using (var introspection = await clients.CreateClient("introspection").PostAsync(introspectionUrl,
        new FormUrlEncodedContent([new("token", bearer["Bearer ".Length..])]), cancellationToken))
    {
        using var answer = await JsonDocument.ParseAsync(await introspection.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        if (!introspection.IsSuccessStatusCode || !answer.RootElement.GetProperty("active").GetBoolean())
        {
            return Results.Unauthorized();
        }
    }

    await dynamoDb.BatchGetItemAsync(new BatchGetItemRequest
    {
        RequestItems = new() { [table] = new KeysAndAttributes { Keys = [readKey, new() { ["id"] = new("bench-identity") }], ConsistentRead = true } },
    }, cancellationToken);

    using var jobs = await JsonDocument.ParseAsync(
        await clients.CreateClient("jenkins").GetStreamAsync(
            "api/json?tree=jobs[_class,name,fullName,url,color,description,buildable,lastBuild[number,result,building,timestamp,duration,url]]", cancellationToken),
        cancellationToken: cancellationToken);
    response.ContentType = "application/json";
    await using var writer = new Utf8JsonWriter(response.Body);
    writer.WriteStartObject();
    writer.WriteString("jsonrpc", "2.0");
    writer.WritePropertyName("id");
    id.WriteTo(writer);
    writer.WriteStartObject("result");
    writer.WritePropertyName("structuredContent");
    jobs.RootElement.WriteTo(writer);
    writer.WriteStartArray("content");
    writer.WriteStartObject();
    writer.WriteString("type", "text");
    writer.WriteString("text", jobs.RootElement.GetRawText());
    writer.WriteEndObject();
    writer.WriteEndArray();
    writer.WriteBoolean("isError", false);
    writer.WriteEndObject();
    writer.WriteEndObject();
    await writer.FlushAsync(cancellationToken);
    return Results.Empty;
});

app.Run();

internal sealed record IntrospectionAnswer(
    [property: System.Text.Json.Serialization.JsonPropertyName("active")] bool Active,
    [property: System.Text.Json.Serialization.JsonPropertyName("scope")] string? Scope,
    [property: System.Text.Json.Serialization.JsonPropertyName("client_id")] string? ClientId,
    [property: System.Text.Json.Serialization.JsonPropertyName("exp")] long? Expires);
