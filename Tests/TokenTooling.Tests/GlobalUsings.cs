// xUnit and the shared AppHost fixture (Tests/Common), which every test here runs against, and the status codes,
// JSON and text the script's exchanges are checked with.
global using System.Net;
global using System.Text;
global using System.Text.Json;
global using Aspire.Hosting.Testing;
global using McpAspire.Tests.Common;
global using Xunit;
