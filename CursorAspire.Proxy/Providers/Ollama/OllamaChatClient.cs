using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using OllamaSharp;
using CursorAspire.Proxy.Providers.Http;
using OllamaSharp.Models.Exceptions;

namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// The chat call to Ollama's <c>/api/chat</c>, written and read by the proxy itself under the same M.E.AI pipeline;
/// OllamaSharp's <see cref="OllamaApiClient"/> stays the client for everything else (model list, show, pull, running
/// models, the context-length lookups), reached through <see cref="GetService"/>.
/// </summary>
/// <remarks>
/// Hand-written because OllamaSharp builds and writes the request inside <c>ChatAsync</c>, where nothing outside the
/// library can reach it: it builds its request model and serializes it into a <see cref="string"/> sent as
/// <see cref="StringContent"/> (the body twice over, UTF-16 then UTF-8), and deserializes every NDJSON line with its own
/// serializer call into its models, which its M.E.AI adapter then copies into updates. Measured with the load harness
/// (bench/README.md, issue 25) at ~50–60 KB of a streamed agent request's ~117 KB. Here the body goes from the messages
/// straight into a pooled buffer (<see cref="OllamaChatRequestWriter"/>) sent as it is, and each line is read from the
/// response's bytes (<see cref="NdjsonLineReader"/>, <see cref="OllamaChatLine"/>) into the updates OllamaSharp made:
/// the same bytes on the wire (the golden tests), the same updates and the same exceptions for Ollama's errors.
/// </remarks>
public sealed class OllamaChatClient : IChatClient
{
    private readonly OllamaApiClient _ollama;
    private readonly HttpClient _http;
    private readonly string _model;
    private readonly ChatClientMetadata _metadata;

    /// <summary>
    /// <c>/api/chat</c> under the client's base address, made once: a relative URI would be combined with the base
    /// address into a new <see cref="Uri"/> (and its parsed parts) on every request.
    /// </summary>
    private readonly Uri _chatUri;

    /// <summary>A client for <paramref name="model"/> over <paramref name="http"/> (its base address is Ollama's).</summary>
    public OllamaChatClient(HttpClient http, string model)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _model = model;
        _ollama = new OllamaApiClient(http, model);
        _metadata = new ChatClientMetadata("ollama", http.BaseAddress, model);
        _chatUri = http.BaseAddress is { } baseAddress ? new Uri(baseAddress, "api/chat") : new Uri("api/chat", UriKind.Relative);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Read from the connection as it arrives (ResponseHeadersRead), not first buffered by HttpClient into a copy of
        // the whole answer; a connection that breaks mid-answer still fails as that buffered read did (UpstreamHttp.BrokenRead).
        using var request = CreateRequest(messages, options, stream: false);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            try
            {
                return await ReadWholeAsync(body, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                throw UpstreamHttp.BrokenRead(ex);
            }
        }
    }

    private async Task<ChatResponse> ReadWholeAsync(Stream body, ChatOptions? options, CancellationToken cancellationToken)
    {
        using var lines = new NdjsonLineReader(body);
        var line = new OllamaChatLine();
        // Ollama sends one object when not streaming: its strings are kept as they are, joined only if more lines come
        // (gathered across lines as OllamaSharp's MessageBuilder did).
        string? content = null, thinking = null;
        StringBuilder? moreContent = null, moreThinking = null;
        List<FunctionCallContent>? toolCalls = null;
        string? createdAt = null;
        var done = false;
        while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!line.Read(lines.Line, keepCreatedAtText: true, out var createdAtText))
            {
                continue;
            }
            Gather(ref content, ref moreContent, line.Content);
            Gather(ref thinking, ref moreThinking, line.Thinking);
            if (line.ToolCalls is { } calls)
            {
                (toolCalls ??= []).AddRange(calls);
            }
            if (line.Done)
            {
                createdAt = createdAtText;
                done = true;
                break;
            }
        }
        if (!done)
        {
            throw new InvalidOperationException("IAsyncEnumerable<ChatResponseStream> did not yield an item with Done=true. The stream might be corrupted or incomplete.");
        }
        return line.ToResponse(createdAt, moreContent?.ToString() ?? content ?? string.Empty, moreThinking?.ToString() ?? thinking ?? string.Empty, toolCalls ?? [], ModelOf(options));
    }

    /// <summary>Adds a line's <paramref name="piece"/> to the text so far: the first piece as it is, a builder once a second one comes.</summary>
    private static void Gather(ref string? single, ref StringBuilder? many, string? piece)
    {
        if (string.IsNullOrEmpty(piece))
        {
            return;
        }
        if (many is not null)
        {
            many.Append(piece);
        }
        else if (single is null)
        {
            single = piece;
        }
        else
        {
            many = new StringBuilder(single).Append(piece);
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: true);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            using var lines = new NdjsonLineReader(body);
            var line = new OllamaChatLine();
            var responseId = Guid.NewGuid().ToString("N");
            while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false))
            {
                if (line.Read(lines.Line, keepCreatedAtText: false, out _))
                {
                    yield return line.ToUpdate(responseId);
                }
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(_ollama) ? _ollama
            : null;
    }

    public void Dispose() => _ollama.Dispose();

    private string ModelOf(ChatOptions? options) => string.IsNullOrEmpty(options?.ModelId) ? _model : options.ModelId;

    private HttpRequestMessage CreateRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        var content = PooledJsonContent.Write(
            (Messages: messages, Options: options, Model: _model, Stream: stream, Wire: _ollama.OutgoingJsonSerializerOptions),
            static (body, r) => OllamaChatRequestWriter.Write(body, r.Messages, r.Options, r.Model, r.Stream, r.Wire));
        return new HttpRequestMessage(HttpMethod.Post, _chatUri) { Content = content };
    }

    /// <summary>Sends, then fails as OllamaSharp did for an error status (a 400's <c>{"error"}</c> as its message).</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var message = ErrorOf(text) ?? text;
                throw message.Contains("does not support tools", StringComparison.Ordinal)
                    ? new ModelDoesNotSupportToolsException(message)
                    : new OllamaException(message);
            }
            response.EnsureSuccessStatusCode();
            return response; // not reached
        }
    }

    private static string? ErrorOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error)
                ? error.GetString() ?? string.Empty
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
