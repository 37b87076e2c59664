namespace McpAspire.AuthServer.Registration;

/// <summary>
/// Refuses at start-up what data annotations cannot express: an inverted cache floor and ceiling, and the
/// Development-only relaxation of metadata document fetching outside Development.
/// </summary>
public sealed class RegistrationOptionsValidation(IHostEnvironment environment) : IValidateOptions<RegistrationOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var documents = options.ClientIdMetadataDocuments;
        var failures = new List<string>();

        if (documents.MinimumCacheDuration > documents.MaximumCacheDuration)
        {
            failures.Add("Registration:ClientIdMetadataDocuments:MinimumCacheDuration must not exceed MaximumCacheDuration.");
        }

        if (documents.AllowLoopbackAndPrivateAddresses && !environment.IsDevelopment())
        {
            failures.Add("Registration:ClientIdMetadataDocuments:AllowLoopbackAndPrivateAddresses is for Development only.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
