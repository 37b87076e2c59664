using Amazon.DynamoDBv2;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;

namespace McpAspire.KeyRings;

/// <summary>
/// A Data Protection key ring of its own, apart from the host's: its own application name (so its payloads never open
/// under another ring's keys, nor the reverse), its keys in its own DynamoDB partition, each key's secret wrapped under
/// its own key-encryption key exactly as the auth server's ring is (<see cref="WrappedKeyXmlEncryptor"/>). It lives in a
/// service container of its own: the host's Data Protection (cookies, antiforgery, OpenIddict's keys) is neither
/// replaced nor reachable through it, and the ring's wrapper is not among the host's wrappers.
/// </summary>
public static class ProtectedKeyRing
{
    /// <summary>
    /// The ring's provider. With <paramref name="createKeys"/> false it only reads: a service that must decrypt but never
    /// write keys (the MCP server) creates none, and finds a key another service created when a payload names it.
    /// </summary>
    public static IDataProtectionProvider Create(
        string applicationName, DynamoDbXmlElements elements, IDataProtectionKeyWrapper wrapper, bool createKeys, ILoggerFactory loggerFactory)
    {
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(wrapper);
        var dataProtection = services.AddDataProtection().SetApplicationName(applicationName);
        if (!createKeys)
        {
            dataProtection.DisableAutomaticKeyGeneration();
        }

        services.Configure<KeyManagementOptions>(options =>
        {
            options.XmlRepository = new Repository(elements);
            options.XmlEncryptor = new WrappedKeyXmlEncryptor(wrapper, typeof(WrappedKeyRingDecryptor));
        });

        // Disposed with the host's container, which owns the returned provider's owner (see Owner).
        var provider = services.BuildServiceProvider();
        return new Owner(provider, provider.GetRequiredService<IDataProtectionProvider>());
    }

    /// <summary>Keeps the ring's container alive as long as its provider, and disposes it with the provider.</summary>
    private sealed class Owner(ServiceProvider container, IDataProtectionProvider inner) : IDataProtectionProvider, IDisposable
    {
        public IDataProtector CreateProtector(string purpose) => inner.CreateProtector(purpose);

        public void Dispose() => container.Dispose();
    }

    /// <summary>Data Protection's synchronous repository interface over the ring's partition; it is read once, then rarely.</summary>
    private sealed class Repository(DynamoDbXmlElements elements) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements()
            => [.. elements.ReadAllAsync(CancellationToken.None).GetAwaiter().GetResult().Select(stored => stored.Element)];

        public void StoreElement(XElement element, string friendlyName)
            => elements.TryAddAsync(string.IsNullOrWhiteSpace(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName, element, CancellationToken.None)
                .GetAwaiter().GetResult();
    }
}
