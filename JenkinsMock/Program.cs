using McpAspire.JenkinsMock.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddJenkinsMock();

var app = builder.Build();

app.UseJenkinsSecurity();
app.MapDefaultEndpoints();
app.MapJenkinsApi();

app.Run();
