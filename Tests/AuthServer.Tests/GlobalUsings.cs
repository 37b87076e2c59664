// The namespaces most of these tests use: xUnit, the shared app's fixture (Tests/Common), this project's HTTP and form
// helpers (Infrastructure), status codes, JSON and form bodies, the service provider, host and logging of the
// in-process servers, and the persistence layer with the DynamoDB SDK that the persistence tests drive.
global using System.Globalization;
global using System.Net;
global using System.Net.Http.Headers;
global using System.Net.Http.Json;
global using System.Text;
global using System.Text.Json;
global using Amazon.DynamoDBv2;
global using Amazon.DynamoDBv2.Model;
global using Aspire.Hosting.Testing;
global using McpAspire.AuthServer.Persistence;
global using McpAspire.AuthServer.Persistence.Infrastructure;
global using McpAspire.AuthServer.Persistence.OpenIddict;
global using McpAspire.AuthServer.Tests.Infrastructure;
global using McpAspire.Tests.Common;
global using Microsoft.AspNetCore.WebUtilities;
global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.Extensions.Hosting;
global using Microsoft.Extensions.Logging;
global using Microsoft.Extensions.Options;
global using Xunit;
