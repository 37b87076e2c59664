namespace McpAspire.AuthServer.Server;

/// <summary>
/// What data annotations cannot say about <see cref="AuthServerOptions"/>: outside Development the issuer and the
/// public URL are https (clients send codes, secrets and tokens to them).
/// </summary>
public sealed class AuthServerOptionsValidation(IHostEnvironment environment) : IValidateOptions<AuthServerOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (environment.IsDevelopment())
        {
            return ValidateOptionsResult.Success;
        }

        List<string> failures = [];
        if (options.Issuer is { Scheme: not "https" })
        {
            failures.Add("Outside Development the issuer (AuthServer:Issuer) must be an https URL.");
        }

        if (options.PublicUrl is { Scheme: not "https" })
        {
            failures.Add("Outside Development AuthServer:PublicUrl must be an https URL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
