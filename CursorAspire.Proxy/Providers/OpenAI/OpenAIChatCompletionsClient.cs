using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using CursorAspire.Proxy.Providers.Http;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// The chat call to an OpenAI-compatible <c>/chat/completions</c>, written and read by the proxy itself under the same
/// M.E.AI pipeline (in place of M.E.AI's OpenAI client over the OpenAI SDK).
/// </summary>
/// <remarks>
/// Hand-written because the SDK's per-request and per-chunk work cannot be made cheap from outside it: it builds a model
/// graph of the request (M.E.AI converting every message and option into the SDK's types first) and reads every
/// streamed chunk into another (~3.4 KB a chunk) that M.E.AI then copies into an update. Measured with the load harness
/// (bench/README.md, issue 25) at ~250 KB of a streamed agent request. Here the body goes from the messages straight into
/// a pooled buffer (<see cref="OpenAIChatRequestWriter"/>) sent as it is, and the answer is read from its bytes
/// (<see cref="OpenAIChatResponseReader"/>) into the updates M.E.AI made: the same bytes on the wire (the golden tests)
/// and the same updates (the differential tests against M.E.AI's client). An error status is raised by the HTTP
/// client's <see cref="UpstreamErrorBodyHandler"/> with the upstream's own message and <c>Retry-After</c>.
/// </remarks>
public sealed class OpenAIChatCompletionsClient : IChatClient
{
    /// <summary>The proxy's name and version, as the upstream sees it.</summary>
    private static readonly ProductInfoHeaderValue UserAgent = new("CursorAspire", typeof(OpenAIChatCompletionsClient).Assembly.GetName().Version?.ToString(3));

    private readonly HttpClient _http;
    private readonly string _model;
    private readonly Uri _chatUri;
    private readonly ChatClientMetadata _metadata;

    /// <summary>A client for one model at one endpoint.</summary>
    /// <param name="http">The route's own HTTP client (the factory's, with <see cref="UpstreamErrorBodyHandler"/>).</param>
    /// <param name="endpoint">The API's base, e.g. <c>https://api.openai.com/v1</c>.</param>
    /// <param name="apiKey">Sent as a bearer token; none for a local server that takes no key.</param>
    /// <param name="model">The upstream's model name, written into every request.</param>
    public OpenAIChatCompletionsClient(HttpClient http, Uri endpoint, string? apiKey, string model)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoint);
        _http = http;
        _model = model;
        // Made once: the endpoint's path with /chat/completions after it, as the SDK combines them.
        _chatUri = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/chat/completions");
        _metadata = new ChatClientMetadata("openai", endpoint, model);
        // Said once on this route's client: some gateways in front of OpenAI-compatible servers refuse a request without one.
        http.DefaultRequestHeaders.UserAgent.Add(UserAgent);
        if (!string.IsNullOrEmpty(apiKey))
        {
            // On this route's own HttpClient instance (the factory makes one per route), once rather than per request.
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: false);
        // Read from the connection as it arrives, not first buffered into a copy of the whole answer; a connection that
        // breaks mid-answer fails as HttpClient's own buffered read does (UpstreamHttp.BrokenRead).
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            try
            {
                return await OpenAIChatResponseReader.ReadWholeAsync(body, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                throw UpstreamHttp.BrokenRead(ex);
            }
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(messages, options, stream: true);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await foreach (var update in OpenAIChatResponseReader.ReadStreamAsync(body, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        // The HttpClient is the factory's; nothing of its own to release.
    }

    private HttpRequestMessage CreateRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        var promptCacheKey = (options?.RawRepresentationFactory?.Invoke(this) as OpenAIRequestFields)?.PromptCacheKey;
        var content = PooledJsonContent.Write(
            (Messages: messages, Options: options, Model: _model, Stream: stream, PromptCacheKey: promptCacheKey),
            static (body, r) => OpenAIChatRequestWriter.Write(body, r.Messages, r.Options, r.Model, r.Stream, r.PromptCacheKey));
        return new HttpRequestMessage(HttpMethod.Post, _chatUri) { Content = content };
    }
}
