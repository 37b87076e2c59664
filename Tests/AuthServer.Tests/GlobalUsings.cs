// The namespaces most of these tests use: xUnit, the shared AppHost fixture (Tests/Common), this project's HTTP and
// form helpers (Infrastructure), status codes and JSON bodies, and the service provider of the in-process servers.
global using System.Net;
global using System.Text.Json;
global using Aspire.Hosting.Testing;
global using McpAspire.AuthServer.Tests.Infrastructure;
global using McpAspire.Tests.Common;
global using Microsoft.Extensions.DependencyInjection;
global using Xunit;
