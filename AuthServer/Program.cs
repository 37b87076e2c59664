using McpAspire.AuthServer.ConnectedAssistants;
using McpAspire.AuthServer.ExternalSignIn;
using McpAspire.AuthServer.JenkinsIdentity;
using McpAspire.AuthServer.MachineClients;
using McpAspire.AuthServer.Persistence;
using McpAspire.AuthServer.Persistence.Faults;
using McpAspire.AuthServer.Registration;
using McpAspire.AuthServer.RequestProtection;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddDynamoDbPersistence();
builder.AddAuthorizationServer();
builder.AddExternalSignIn();
builder.AddClientRegistration();
builder.AddUserAdministration();
builder.AddMachineClients();
builder.AddConnectedAssistants();
builder.AddJenkinsIdentityLinking();
builder.AddRequestProtection();

var app = builder.Build();

app.UseRequestProtection();
app.UseDynamoDbFaultHandling();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapAuthorizationServer();
app.MapExternalSignIn();
app.MapClientRegistration();

return await app.RunOrExitWithReasonAsync();
