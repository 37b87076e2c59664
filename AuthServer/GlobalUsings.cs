// The namespaces used throughout the auth server: options bound from configuration, and OpenIddict's constants and
// primitives. The Web SDK's implicit usings (ASP.NET Core, dependency injection, logging) come on top of these.
global using Microsoft.Extensions.Options;
global using OpenIddict.Abstractions;
