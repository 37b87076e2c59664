using System.Diagnostics;

namespace McpAspire.JenkinsMock.Tests.Infrastructure;

/// <summary>Small helpers for reading Jenkins answers and waiting for the simulation.</summary>
public static class JenkinsHttp
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.RelativeOrAbsolute));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    public static async Task<HttpResponseMessage> PostAsync(this HttpClient client, string path)
        => await client.PostAsync(new Uri(path, UriKind.RelativeOrAbsolute), content: null);

    /// <summary>Polls until <paramref name="condition"/> holds, failing the test after <see cref="DefaultTimeout"/>.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what) where T : struct
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < DefaultTimeout)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"Timed out waiting for {what}.");
    }

    /// <summary>
    /// Triggers <paramref name="job"/> without a quiet period and waits until its queue item has left the queue for
    /// an executor (the item names its build); returns the item's path and the left item.
    /// </summary>
    public static async Task<(string ItemPath, JsonElement LeftItem)> StartAndWaitForLeftItemAsync(this HttpClient client, string job)
    {
        using var trigger = await client.PostAsync($"{job}build?delay=0sec");
        var itemPath = PathOf(trigger.Headers.Location);
        var left = await WaitForAsync(async () =>
        {
            var item = await client.GetJsonAsync($"{itemPath}api/json");
            return item.TryGetProperty("executable", out _) ? (JsonElement?)item : null;
        }, "the item to leave the queue");
        return (itemPath, left);
    }

    public static string? StringOrNull(this JsonElement element, string property)
        => element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static string[] PropertyNames(this JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    /// <summary>The path and query of an absolute Location, for requests through the test client.</summary>
    public static string PathOf(Uri? location)
    {
        Assert.NotNull(location);
        Assert.True(location.IsAbsoluteUri, $"Location {location} is not absolute");
        return location.PathAndQuery;
    }
}
