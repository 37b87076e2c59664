extern alias jenkinsmock;

using Microsoft.Extensions.Logging.Abstractions;

namespace McpAspire.McpJenkinsServer.Tests.Tools;

/// <summary>
/// JenkinsMock in large-instance mode (5,000 jobs in nested folders, a 200 MB console log generated on demand, a
/// 20,000-case test report), and the MCP server's Jenkins client on it, counting the requests it makes and the
/// response bytes it reads.
/// </summary>
public sealed class LargeJenkinsMockFactory : JenkinsMockFactory<jenkinsmock::Program>
{
    public override string User { get; } = "mcp-bot";

    protected override IEnumerable<KeyValuePair<string, string>> MockSettings => new Dictionary<string, string>
    {
        ["LargeInstance:Enabled"] = "true",
    };

    public (JenkinsClient Client, CountingHandler Counter) CreateCountingJenkinsClient()
    {
        var counter = new CountingHandler { InnerHandler = Server.CreateHandler() };
        var http = new HttpClient(counter) { BaseAddress = Server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{ApiToken}")));
        return (new JenkinsClient(http, NullLogger<JenkinsClient>.Instance), counter);
    }
}

/// <summary>Counts requests and the response-body bytes the client actually reads.</summary>
public sealed class CountingHandler : DelegatingHandler
{
    private long _bytesRead;
    private int _requests;

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public int Requests => Volatile.Read(ref _requests);

    public void Reset()
    {
        Interlocked.Exchange(ref _bytesRead, 0);
        Interlocked.Exchange(ref _requests, 0);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        var response = await base.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var counted = new StreamContent(new CountingStream(body, read => Interlocked.Add(ref _bytesRead, read)));
        foreach (var header in response.Content.Headers)
        {
            counted.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = counted;
        return response;
    }

    private sealed class CountingStream(Stream inner, Action<int> onRead) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            onRead(read);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            onRead(read);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
