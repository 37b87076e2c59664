// The namespaces most of these tests use: xUnit, the shared AppHost fixture (Tests/Common), Aspire's application
// model, which the tests inspect, DynamoDB Local's client, which they read the tables with, and status codes and
// JSON bodies.
global using System.Net;
global using System.Text.Json;
global using Amazon.DynamoDBv2;
global using Amazon.DynamoDBv2.Model;
global using Amazon.Runtime;
global using Aspire.Hosting;
global using Aspire.Hosting.ApplicationModel;
global using Aspire.Hosting.Testing;
global using McpAspire.Tests.Common;
global using Xunit;
