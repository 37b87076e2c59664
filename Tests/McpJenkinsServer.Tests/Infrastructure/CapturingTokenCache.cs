using ModelContextProtocol.Authentication;

namespace McpAspire.McpJenkinsServer.Tests.Infrastructure;

/// <summary>The SDK client's token cache, kept in memory where the tests can see what it was issued.</summary>
public sealed class CapturingTokenCache : ITokenCache
{
    private TokenContainer? tokens;

    public TokenContainer? Tokens => tokens;

    public ValueTask StoreTokensAsync(TokenContainer tokens, CancellationToken cancellationToken)
    {
        this.tokens = tokens;
        return ValueTask.CompletedTask;
    }

    public ValueTask<TokenContainer?> GetTokensAsync(CancellationToken cancellationToken) => ValueTask.FromResult(tokens);
}
