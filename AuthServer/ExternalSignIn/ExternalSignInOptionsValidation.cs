using System.Text.RegularExpressions;

namespace McpAspire.AuthServer.ExternalSignIn;

/// <summary>
/// Refuses at start-up a provider that could not work or would be unsafe: a name unfit for a URL, a missing client
/// id or secret, an authority that is not an absolute https URL (http only for loopback hosts in Development), a
/// GitHub provider given an authority, and no way to sign in at all.
/// </summary>
public sealed partial class ExternalSignInOptionsValidation(IHostEnvironment environment) : IValidateOptions<ExternalSignInOptions>
{
    public ValidateOptionsResult Validate(string? name, ExternalSignInOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (providerName, provider) in options.ExternalProviders)
        {
            var key = $"AuthServer:ExternalProviders:{providerName}";
            if (!ProviderName().IsMatch(providerName))
            {
                failures.Add($"{key}: a provider name is 1 to 32 lower-case letters, digits or '-', starting with a letter or digit.");
            }

            if (provider is null)
            {
                failures.Add($"{key} is empty.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(provider.ClientId))
            {
                failures.Add($"{key}:ClientId is required.");
            }

            if (string.IsNullOrWhiteSpace(provider.ClientSecret))
            {
                failures.Add($"{key}:ClientSecret is required (the AppHost's secret parameter {providerName}-client-secret).");
            }

            if (string.IsNullOrWhiteSpace(provider.GroupsClaim))
            {
                failures.Add($"{key}:GroupsClaim must name a claim (default \"{ExternalProviderOptions.DefaultGroupsClaim}\").");
            }

            switch (provider.Kind)
            {
                case ExternalProviderKind.GitHub when provider.Authority is not null:
                    failures.Add($"{key}:Authority is fixed for GitHub (https://github.com/); leave it unset.");
                    break;
                case ExternalProviderKind.OpenIdConnect:
                    ValidateAuthority(key, provider.Authority, failures);
                    break;
            }
        }

        if (!options.LocalAccounts.Enabled && options.ExternalProviders.Count == 0)
        {
            failures.Add("AuthServer:LocalAccounts:Enabled is false but no AuthServer:ExternalProviders are configured: nobody could sign in.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateAuthority(string key, Uri? authority, List<string> failures)
    {
        if (authority is null)
        {
            failures.Add($"{key}:Authority (the provider's issuer URL) is required.");
            return;
        }

        if (!authority.IsAbsoluteUri || !string.IsNullOrEmpty(authority.Query) || !string.IsNullOrEmpty(authority.Fragment))
        {
            failures.Add($"{key}:Authority must be an absolute URL without query or fragment.");
            return;
        }

        // The code, the client secret and the user's identity travel to it: https, except a loopback provider on a
        // developer's machine (and the tests').
        var plainHttpAllowed = environment.IsDevelopment() && authority.IsLoopback;
        if (authority.Scheme != Uri.UriSchemeHttps && !(plainHttpAllowed && authority.Scheme == Uri.UriSchemeHttp))
        {
            failures.Add($"{key}:Authority must be an https URL (plain http only for a loopback host in Development).");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex ProviderName();
}
