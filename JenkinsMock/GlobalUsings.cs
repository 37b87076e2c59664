// The namespaces used across the mock's folders: its model of a Jenkins instance (Model/, Services/), the JSON and
// XML it writes the way Jenkins does (Export/), its users and permissions (Security/), options, and invariant text.
// The Web SDK's implicit usings (ASP.NET Core, dependency injection, logging) come on top.
global using System.Globalization;
global using System.Text;
global using McpAspire.JenkinsMock.Export;
global using McpAspire.JenkinsMock.Model;
global using McpAspire.JenkinsMock.Security;
global using McpAspire.JenkinsMock.Services;
global using Microsoft.Extensions.Options;
