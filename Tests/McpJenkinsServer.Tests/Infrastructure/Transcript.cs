using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace McpAspire.McpJenkinsServer.Tests.Infrastructure;

/// <summary>
/// Records every HTTP exchange of a client (requests, statuses, the headers that matter, short bodies) with
/// every secret masked: tokens, codes, verifiers, passwords, client secrets, antiforgery tokens. The e2e run
/// writes it out as the transcript docs/mcp-server.md shows.
/// </summary>
public sealed partial class Transcript
{
    private const int MaxBody = 600;
    private static readonly string[] ShownHeaders = ["WWW-Authenticate", "Location", "Content-Type", "Mcp-Session-Id", "Retry-After"];
    private readonly ConcurrentQueue<string> entries = new();

    public IReadOnlyCollection<string> Entries => entries;

    public IReadOnlyList<Uri> RequestUris { get; private set; } = [];

    private readonly ConcurrentQueue<Uri> uris = new();

    public void Note(string text) => entries.Enqueue($"# {text}");

    public async Task RecordAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri)
        {
            uris.Enqueue(uri);
            RequestUris = [.. uris];
        }

        var text = new StringBuilder();
        text.Append("> ").Append(request.Method).Append(' ').Append(Redact(request.RequestUri?.ToString() ?? "")).AppendLine();
        if (request.Headers.Authorization is { } authorization)
        {
            text.Append("> Authorization: ").Append(authorization.Scheme).AppendLine(" ***");
        }

        if (request.Headers.TryGetValues("Origin", out var origin))
        {
            text.Append("> Origin: ").AppendLine(string.Join(", ", origin));
        }

        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken);
            text.Append("> ").AppendLine(Shorten(Redact(await request.Content.ReadAsStringAsync(cancellationToken))));
        }

        text.Append("< ").Append((int)response.StatusCode).Append(' ').Append(response.ReasonPhrase).AppendLine();
        foreach (var name in ShownHeaders)
        {
            if (response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values))
            {
                text.Append("< ").Append(name).Append(": ").AppendLine(Redact(string.Join(", ", values)));
            }
        }

        if (response.Content.Headers.ContentType?.MediaType is "text/event-stream")
        {
            // An event stream is read by the client as it arrives (progress before the result), so it is not
            // buffered here: the entry is completed from a copy of what the client read, once it has read it all.
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var copy = new StreamContent(new TeeStream(stream, body => entries.Enqueue(text.Append("< ").AppendLine(Shorten(Redact(body))).ToString().TrimEnd())));
            foreach (var header in response.Content.Headers)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = copy;
            return;
        }

        if (response.Content.Headers.ContentType?.MediaType is "application/json")
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            text.Append("< ").AppendLine(Shorten(Redact(await response.Content.ReadAsStringAsync(cancellationToken))));
        }

        entries.Enqueue(text.ToString().TrimEnd());
    }

    /// <summary>Passes a response stream through, keeping a copy that is handed over when the stream ends.</summary>
    private sealed class TeeStream(Stream inner, Action<string> completed) : Stream
    {
        private readonly MemoryStream copy = new();
        private bool done;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Track(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            return Track(buffer.Span[..read]);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Track(ReadOnlySpan<byte> data)
        {
            copy.Write(data);
            if (data.Length == 0)
            {
                Complete();
            }

            return data.Length;
        }

        private void Complete()
        {
            if (!done)
            {
                done = true;
                completed(Encoding.UTF8.GetString(copy.ToArray()));
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Complete();
                inner.Dispose();
                copy.Dispose();
            }

            base.Dispose(disposing);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    public override string ToString() => string.Join("\n\n", entries);

    /// <summary>Masks secrets in URLs, form bodies and JSON.</summary>
    public static string Redact(string text)
    {
        text = SecretParameter().Replace(text, m => $"{m.Groups[1].Value}{m.Groups[2].Value}***");
        return SecretJson().Replace(text, m => $"\"{m.Groups[1].Value}\":\"***\"");
    }

    private static string Shorten(string text)
    {
        text = text.Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
        return text.Length > MaxBody ? text[..MaxBody] + " …" : text;
    }

    // Also inside URL-encoded return URLs (state%3D..., state%253D...).
    [GeneratedRegex(@"(code|state|code_verifier|access_token|refresh_token|id_token|token|client_secret|password|__RequestVerificationToken|registration_access_token)(=|%3D|%253D)[^&\s""%]*")]
    private static partial Regex SecretParameter();

    [GeneratedRegex(@"""(access_token|refresh_token|id_token|client_secret|registration_access_token|code)""\s*:\s*""[^""]*""")]
    private static partial Regex SecretJson();
}

/// <summary>Puts a <see cref="Transcript"/> on an HttpClient.</summary>
public sealed class TranscriptHandler(Transcript transcript, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await transcript.RecordAsync(request, response, cancellationToken);
        return response;
    }
}
