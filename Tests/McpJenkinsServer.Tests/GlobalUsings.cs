// The namespaces most of these tests use: xUnit, the shared AppHost fixture (Tests/Common), status codes and JSON.
global using System.Net;
global using System.Text.Json;
global using Aspire.Hosting.Testing;
global using McpAspire.Tests.Common;
global using Xunit;
