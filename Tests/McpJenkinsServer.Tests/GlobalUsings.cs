// The namespaces most of these tests use: xUnit and its test output, the shared AppHost fixture (Tests/Common) and this
// project's clients and helpers (EndToEnd, Infrastructure), status codes, JSON and text, the MCP SDK's protocol and
// server types, and the server's own parts under test (the Jenkins client, the tools, the access policy and the
// authorization handlers) with the service provider that builds them.
global using System.Net;
global using System.Net.Http.Headers;
global using System.Text;
global using System.Text.Json;
global using Aspire.Hosting.Testing;
global using McpAspire.AccessPolicy;
global using McpAspire.McpJenkinsServer.Authorization;
global using McpAspire.McpJenkinsServer.Services;
global using McpAspire.McpJenkinsServer.Tests.EndToEnd;
global using McpAspire.McpJenkinsServer.Tests.Infrastructure;
global using McpAspire.McpJenkinsServer.Tools;
global using McpAspire.Tests.Common;
global using Microsoft.Extensions.DependencyInjection;
global using ModelContextProtocol;
global using ModelContextProtocol.Protocol;
global using ModelContextProtocol.Server;
global using Xunit;
