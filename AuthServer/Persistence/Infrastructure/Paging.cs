using System.Runtime.CompilerServices;

namespace McpAspire.AuthServer.Persistence;

/// <summary>The count/offset paging of OpenIddict's ListAsync over a sequence DynamoDB returns in pages of its own.</summary>
internal static class Paging
{
    public static async IAsyncEnumerable<T> Page<T>(
        IAsyncEnumerable<T> source, int? count, int? offset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var skipped = 0;
        var returned = 0;
        await foreach (var element in source.WithCancellation(cancellationToken))
        {
            if (skipped < (offset ?? 0))
            {
                skipped++;
                continue;
            }

            if (count is { } limit && returned >= limit)
            {
                yield break;
            }

            returned++;
            yield return element;
        }
    }
}
