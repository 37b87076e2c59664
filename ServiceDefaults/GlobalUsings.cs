// The namespaces the service defaults' extensions share: the host builder, dependency injection and logging they
// configure, and invariant formatting.
global using System.Globalization;
global using System.Net;
global using Microsoft.AspNetCore.Builder;
global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.Extensions.Logging;
