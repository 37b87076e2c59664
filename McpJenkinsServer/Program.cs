using McpAspire.McpJenkinsServer.Discovery;
using McpAspire.McpJenkinsServer.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddJenkinsClient();
builder.AddMcpAuthentication();
builder.AddAuthorizationServerMetadata();
builder.AddJenkinsMcpServer();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapJenkinsMcp();
app.MapAuthorizationServerMetadata();

return await app.RunOrExitWithReasonAsync();
