using McpAspire.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

// Secrets: generated once per machine for local runs (kept in the AppHost's user secrets), required
// as parameters when published. None of them is ever written into code or configuration files.
var jenkinsUser = builder.AddParameter("jenkins-user", "mcp-bot", publishValueAsDefault: true);
var jenkinsApiToken = builder.AddGeneratedSecret("jenkins-api-token");
var adminPassword = builder.AddGeneratedSecret("admin-password");
var introspectionSecret = builder.AddGeneratedSecret("mcp-introspection-secret");
var dataProtectionKek = builder.AddGeneratedSecret("data-protection-key-encryption-key");
// The key ring of users' linked Jenkins API tokens: both services have it, unlike the auth server's own ring above.
var jenkinsIdentityKek = builder.AddGeneratedSecret("jenkins-identity-key-encryption-key");

// Infrastructure first.
var dynamoDb = builder.AddDynamoDb("dynamodb");
var jenkins = builder.AddJenkins("jenkins", jenkinsUser, jenkinsApiToken);

// The OAuth 2.1 authorization server (steps 1-6 and 8-9 of the dance).
var authServer = builder.AddProject<Projects.AuthServer>("auth-server")
    .WithReference(dynamoDb)
    .WithEnvironment("Admin__Password", adminPassword)
    .WithEnvironment("DataProtection__KeyEncryptionKey", dataProtectionKek)
    .WithEnvironment("McpServer__IntrospectionClientId", McpServerClient.Id)
    .WithEnvironment("McpServer__IntrospectionClientSecret", introspectionSecret)
    // The page /account/jenkins asks Jenkins (by service discovery) who a user's API token belongs to before linking it.
    .WithJenkins(jenkins)
    .WithEnvironment("JenkinsIdentity__KeyEncryptionKey", jenkinsIdentityKek)
    .WithExternalProviders()
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithConfiguredReplicas("AuthServer");

// The MCP server (steps 7 and 10): introspects every token at the auth server, found by service discovery, and
// reads the Jenkins access policy the auth server's admin page keeps in DynamoDB with the caller's linked Jenkins identity
// (in production: BatchGetItem/GetItem on those two tables and Query on the linked tokens' key ring only;
// docs/mcp-server.md, "Access policy"; docs/people-and-permissions.md, "Linking a personal Jenkins token").
var mcpServer = builder.AddProject<Projects.McpJenkinsServer>("mcp-server")
    .WithReference(authServer).WaitFor(authServer)
    .WithReference(dynamoDb)
    .WithJenkins(jenkins).WaitFor(jenkins)
    .WithEnvironment("Jenkins__User", jenkinsUser)
    .WithEnvironment("Jenkins__ApiToken", jenkinsApiToken)
    .WithEnvironment("JenkinsIdentity__KeyEncryptionKey", jenkinsIdentityKek)
    .WithEnvironment("AuthServer__IntrospectionClientId", McpServerClient.Id)
    .WithEnvironment("AuthServer__IntrospectionClientSecret", introspectionSecret)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithConfiguredReplicas("McpServer");

// Public URLs: the resource (audience) tokens are issued for, which is also the authorization server's issuer
// identifier (every MCP client finds the metadata at the MCP server's origin), and where the auth server's
// endpoints are.
authServer
    .WithEnvironment("AuthServer__Issuer", mcpServer.McpResourceUrl())
    .WithEnvironment("AuthServer__PublicUrl", authServer.PublicUrl())
    .WithEnvironment("McpServer__ResourceUrl", mcpServer.McpResourceUrl());
mcpServer
    .WithEnvironment("AuthServer__Issuer", mcpServer.McpResourceUrl())
    .WithEnvironment("Mcp__ResourceUrl", mcpServer.McpResourceUrl())
    .WithEnvironment("Jenkins__LinkPageUrl", ReferenceExpression.Create($"{authServer.PublicUrl()}/account/jenkins"));

builder.Build().Run();
