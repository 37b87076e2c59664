using McpAspire.AuthServer.Registration.MetadataDocuments;

namespace McpAspire.AuthServer.Tests.Registration;

public sealed class MetadataDocumentUrlTests
{
    [Theory]
    [InlineData("https://app.example.com/oauth/client-metadata.json")]
    [InlineData("https://app.example.com:8443/client")]
    public void Https_urls_with_a_path_are_metadata_document_urls(string clientId)
        => Assert.Null(MetadataDocumentUrl.Check(clientId, allowLoopbackHttp: false));

    [Theory]
    [InlineData("http://app.example.com/client.json")]
    [InlineData("http://127.0.0.1:5000/client.json")]
    [InlineData("https://app.example.com")]
    [InlineData("https://app.example.com/")]
    [InlineData("https://app.example.com/client.json#x")]
    [InlineData("https://user@app.example.com/client.json")]
    [InlineData("https://app.example.com/a/../client.json")]
    [InlineData("https://app.example.com/./client.json")]
    [InlineData("https://")]
    public void Other_urls_are_refused_outside_development(string clientId)
        => Assert.NotNull(MetadataDocumentUrl.Check(clientId, allowLoopbackHttp: false));

    [Fact]
    public void Loopback_http_is_accepted_only_with_the_development_relaxation()
    {
        Assert.Null(MetadataDocumentUrl.Check("http://127.0.0.1:5000/client.json", allowLoopbackHttp: true));
        Assert.NotNull(MetadataDocumentUrl.Check("http://app.example.com/client.json", allowLoopbackHttp: true));
    }

    [Theory]
    [InlineData("https://app.example.com/c", true)]
    [InlineData("HTTP://127.0.0.1/c", true)]
    [InlineData("mcp-server", false)]
    [InlineData("Zk3x-random_id", false)]
    [InlineData(null, false)]
    public void Only_url_shaped_client_ids_are_treated_as_metadata_documents(string? clientId, bool expected)
        => Assert.Equal(expected, MetadataDocumentUrl.IsUrlShaped(clientId));
}
