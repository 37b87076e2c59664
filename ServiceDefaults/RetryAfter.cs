using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>The <c>Retry-After</c> header every limit of these services answers with.</summary>
public static class RetryAfter
{
    /// <summary>
    /// Sets <c>Retry-After</c> as delta-seconds (RFC 9110 §10.2.3), rounded up and at least 1: a client told
    /// "0" would retry at once, into the same refusal.
    /// </summary>
    public static void Set(HttpResponse response, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }
}
