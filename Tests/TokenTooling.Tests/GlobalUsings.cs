// xUnit and the shared AppHost fixture (Tests/Common), which every test here runs against.
global using Aspire.Hosting.Testing;
global using McpAspire.Tests.Common;
global using Xunit;
