// The namespaces most of these tests use: xUnit, the mock's factory (Tests/Common) and this project's HTTP helpers
// (Infrastructure), status codes and the JSON the mock answers.
global using System.Net;
global using System.Text.Json;
global using McpAspire.JenkinsMock.Tests.Infrastructure;
global using McpAspire.Tests.Common;
global using Xunit;
