// The namespaces the access-policy library's registrations and stores share: options, hosting and dependency
// injection, and invariant formatting.
global using System.Globalization;
global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.Extensions.DependencyInjection.Extensions;
global using Microsoft.Extensions.Hosting;
global using Microsoft.Extensions.Options;
