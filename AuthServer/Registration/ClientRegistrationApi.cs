using McpAspire.AuthServer.Registration.Model;
using McpAspire.AuthServer.Registration.Services;
using McpAspire.AuthServer.Registration.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace McpAspire.AuthServer.Registration;

/// <summary>
/// RFC 7591 dynamic client registration (<c>POST /register</c>) and RFC 7592 client configuration
/// (<c>GET/PUT/DELETE /register/{client_id}</c>, authenticated by the registration access token).
/// </summary>
public static class ClientRegistrationApi
{
    public static RouteGroupBuilder MapClientRegistrationApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(EndpointPaths.Register).WithTags("Client registration");

        api.MapPost("", RegisterAsync);
        api.MapGet("{clientId}", ReadAsync);
        api.MapPut("{clientId}", UpdateAsync);
        api.MapDelete("{clientId}", DeleteAsync);

        return api;
    }

    public static async Task<Results<Created<ClientInformationResponse>, BadRequest<RegistrationError>, JsonHttpResult<RegistrationError>>> RegisterAsync(
        [AsParameters] RegistrationServices services, RegistrationQuota quota, HttpContext context)
    {
        DoNotCache(context.Response);
        var body = await ReadJsonBodyAsync(context.Request, services.Options.CurrentValue.MaxRequestBodyBytes, context.RequestAborted);
        if (body.Error is not null)
        {
            return TypedResults.BadRequest(body.Error);
        }

        var validation = services.Validator.Validate(body.Json, ClientMetadataSource.Registration);
        if (validation.Error is not null)
        {
            return TypedResults.BadRequest(validation.Error);
        }

        // Only a registration that would be stored counts against the quota.
        if (await quota.TryTakeAsync(context.Connection.RemoteIpAddress, context.RequestAborted) is TimeSpan retryAfter)
        {
            RetryAfter.Set(context.Response, retryAfter);
            return TypedResults.Json(
                new RegistrationError(RegistrationErrorCodes.TemporarilyUnavailable, "The registration quota is used up; try again later or reuse an earlier registration."),
                statusCode: StatusCodes.Status429TooManyRequests);
        }

        try
        {
            var client = await services.Registrations.RegisterAsync(validation.Metadata!, services.EndpointFor(context.Request), context.RequestAborted);
            return TypedResults.Created(client.RegistrationClientUri, client);
        }
        catch (OpenIddictExceptions.ValidationException)
        {
            // OpenIddict's own checks after ours: never expected, but a refusal rather than a 500 if it happens.
            return TypedResults.BadRequest(RegistrationError.InvalidClientMetadata("The client metadata was refused by the application store."));
        }
    }

    public static async Task<Results<Ok<ClientInformationResponse>, JsonHttpResult<RegistrationError>>> ReadAsync(
        string clientId, [AsParameters] RegistrationServices services, HttpContext context)
    {
        var (application, token) = await AuthenticateAsync(clientId, services, context);
        if (application is null)
        {
            return InvalidToken(context.Response);
        }

        return TypedResults.Ok(await services.Registrations.ReadAsync(application, token!, services.EndpointFor(context.Request), context.RequestAborted));
    }

    public static async Task<Results<Ok<ClientInformationResponse>, BadRequest<RegistrationError>, JsonHttpResult<RegistrationError>, Conflict<RegistrationError>>> UpdateAsync(
        string clientId, [AsParameters] RegistrationServices services, HttpContext context)
    {
        var (application, token) = await AuthenticateAsync(clientId, services, context);
        if (application is null)
        {
            return InvalidToken(context.Response);
        }

        var body = await ReadJsonBodyAsync(context.Request, services.Options.CurrentValue.MaxRequestBodyBytes, context.RequestAborted);
        if (body.Error is not null)
        {
            return TypedResults.BadRequest(body.Error);
        }

        using var document = ClientMetadataValidator.Parse(body.Json);
        var validation = document is null
            ? ClientMetadataValidator.MalformedJson
            : services.Validator.Validate(document.RootElement, ClientMetadataSource.Registration);
        if (validation.Error is not null)
        {
            return TypedResults.BadRequest(validation.Error);
        }

        try
        {
            var result = await services.Registrations.UpdateAsync(
                application, document!.RootElement, validation.Metadata!, token!, services.EndpointFor(context.Request), context.RequestAborted);
            return result.Error is not null ? TypedResults.BadRequest(result.Error) : TypedResults.Ok(result.Client!);
        }
        catch (OpenIddictExceptions.ConcurrencyException)
        {
            return TypedResults.Conflict(new RegistrationError("invalid_request", "The registration was changed concurrently; read it and try again."));
        }
    }

    public static async Task<Results<NoContent, JsonHttpResult<RegistrationError>>> DeleteAsync(
        string clientId, [AsParameters] RegistrationServices services, HttpContext context)
    {
        var (application, _) = await AuthenticateAsync(clientId, services, context);
        if (application is null)
        {
            return InvalidToken(context.Response);
        }

        await services.Registrations.DeleteAsync(application, context.RequestAborted);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// RFC 7592 §2: the management requests carry the client's registration access token; their answers are never
    /// cached. The application is null when the token is missing, wrong or not this client's.
    /// </summary>
    private static async Task<(object? Application, string? Token)> AuthenticateAsync(string clientId, RegistrationServices services, HttpContext context)
    {
        DoNotCache(context.Response);
        var token = BearerToken(context.Request);
        return (await services.Registrations.AuthenticateAsync(clientId, token, context.RequestAborted), token);
    }

    /// <summary>RFC 7592 §2: a missing, wrong or unknown-client token is 401 with an RFC 6750 challenge.</summary>
    private static JsonHttpResult<RegistrationError> InvalidToken(HttpResponse response)
    {
        response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return TypedResults.Json(
            new RegistrationError(RegistrationErrorCodes.InvalidToken, "The registration access token is missing, invalid, or not this client's."),
            statusCode: StatusCodes.Status401Unauthorized);
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? header[scheme.Length..].Trim()
            : null;
    }

    /// <summary>RFC 7591 §3.2.1: responses carrying credentials must not be cached.</summary>
    private static void DoNotCache(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
    }

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> of a JSON body: an oversized body is refused without being read
    /// whole, whatever Content-Length claims.
    /// </summary>
    private static async Task<(ReadOnlyMemory<byte> Json, RegistrationError? Error)> ReadJsonBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (default, RegistrationError.InvalidClientMetadata("The request body must be JSON (Content-Type: application/json)."));
        }

        var tooLarge = RegistrationError.InvalidClientMetadata($"The request body must not exceed {maxBytes} bytes.");
        if (request.ContentLength > maxBytes)
        {
            return (default, tooLarge);
        }

        var buffer = new byte[maxBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        if (length > maxBytes)
        {
            return (default, tooLarge);
        }

        return (buffer.AsMemory(0, length), null);
    }
}

/// <summary>What the registration handlers need, bundled for <c>[AsParameters]</c>.</summary>
public sealed record RegistrationServices(
    ClientRegistrationService Registrations,
    ClientMetadataValidator Validator,
    IOptionsMonitor<RegistrationOptions> Options,
    IOptionsMonitor<OpenIddictServerOptions> ServerOptions)
{
    /// <summary>
    /// The registration endpoint under this server's public URL, else under the configured issuer (or, without
    /// either, under this request's base URL).
    /// </summary>
    public Uri EndpointFor(HttpRequest request)
        => RegistrationEndpoint.For(Options.CurrentValue.PublicUrl ?? ServerOptions.CurrentValue.Issuer ?? new Uri($"{request.Scheme}://{request.Host}{request.PathBase}/"));
}
