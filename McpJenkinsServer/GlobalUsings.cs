// The namespaces used across the MCP server's folders: the MCP SDK (tools, their descriptions and errors), the Jenkins
// client and the shapes it reads and answers (Services/, Model/), the access policy and the scope checks
// (Authorization/), options, OpenIddict's claim names, and JSON and text. The Web SDK's implicit usings (ASP.NET Core,
// dependency injection, logging) come on top. Namespaces one file or folder uses stay in those files.
global using System.ComponentModel;
global using System.Text;
global using System.Text.Json;
global using McpAspire.AccessPolicy;
global using McpAspire.AccessPolicy.JenkinsIdentity;
global using McpAspire.McpJenkinsServer.Authorization;
global using McpAspire.McpJenkinsServer.Model;
global using McpAspire.McpJenkinsServer.Model.Results;
global using McpAspire.McpJenkinsServer.Services;
global using Microsoft.Extensions.Options;
global using ModelContextProtocol;
global using ModelContextProtocol.Protocol;
global using ModelContextProtocol.Server;
global using OpenIddict.Abstractions;
