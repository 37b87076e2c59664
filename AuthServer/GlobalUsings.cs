// The namespaces used across the auth server's feature folders: options bound from configuration, OpenIddict's
// constants, primitives and server events, and the server's own options and paths (Server/). The Web SDK's implicit
// usings (ASP.NET Core, dependency injection, logging) come on top. Namespaces one folder uses (DynamoDB's, in
// Persistence/) stay in that folder's files.
global using McpAspire.AuthServer.Server;
global using Microsoft.Extensions.Options;
global using OpenIddict.Abstractions;
global using OpenIddict.Server;
