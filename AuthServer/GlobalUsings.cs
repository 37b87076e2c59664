// The namespaces used across the auth server's feature folders: options bound from configuration, OpenIddict's
// constants, primitives and server events, the server's own options and paths (Server/), its users and their store
// (Users/, Persistence/Users/), ASP.NET Core's authentication and MVC results, the service registrations' TryAdd, and
// the claims, JSON, keys and invariant formatting the features share. The Web SDK's implicit usings (ASP.NET Core,
// dependency injection, logging) come on top. Namespaces one folder uses (DynamoDB's, in Persistence/; Razor Pages',
// in Pages/) stay in that folder's files.
global using System.Collections.Immutable;
global using System.Globalization;
global using System.Security.Claims;
global using System.Security.Cryptography;
global using System.Text.Json;
global using McpAspire.AuthServer.Persistence.Users;
global using McpAspire.AuthServer.Server;
global using McpAspire.AuthServer.Users;
global using Microsoft.AspNetCore.Authentication;
global using Microsoft.AspNetCore.Mvc;
global using Microsoft.Extensions.DependencyInjection.Extensions;
global using Microsoft.Extensions.Options;
global using OpenIddict.Abstractions;
global using OpenIddict.Server;
