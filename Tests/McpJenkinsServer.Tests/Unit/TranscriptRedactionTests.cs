namespace McpAspire.McpJenkinsServer.Tests.Unit;

/// <summary>The end-to-end tests' transcripts are printed: they must never carry a code, token, verifier or secret.</summary>
public sealed class TranscriptRedactionTests
{
    [Theory]
    [InlineData("http://cb/?code=abc123&state=xyz&iss=http%3A%2F%2Fas", "http://cb/?code=***&state=***&iss=http%3A%2F%2Fas")]
    [InlineData("grant_type=authorization_code&code=c0de&code_verifier=v3r&client_secret=s3c", "grant_type=authorization_code&code=***&code_verifier=***&client_secret=***")]
    [InlineData("/account/login?ReturnUrl=%2Fauthorize%3Fstate%3DS7at3%26x%3D1", "/account/login?ReturnUrl=%2Fauthorize%3Fstate%3D***%26x%3D1")]
    [InlineData("""{"access_token": "at", "refresh_token":"rt","scope":"mcp:read"}""", """{"access_token":"***", "refresh_token":"***","scope":"mcp:read"}""")]
    public void Transcripts_mask_codes_tokens_verifiers_and_secrets(string raw, string expected)
        => Assert.Equal(expected, Transcript.Redact(raw));
}
