// The namespaces most of these tests use: xUnit, the shared AppHost fixture (Tests/Common) and Aspire's
// application model, which the tests inspect.
global using Aspire.Hosting;
global using Aspire.Hosting.ApplicationModel;
global using Aspire.Hosting.Testing;
global using McpAspire.Tests.Common;
global using Xunit;
