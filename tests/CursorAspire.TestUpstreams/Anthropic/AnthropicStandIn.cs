namespace CursorAspire.TestUpstreams;

/// <summary>
/// A stand-in for Anthropic's Messages API: <c>POST /v1/messages</c> (JSON or SSE with named events), on real
/// Kestrel, answering with scripted <see cref="StandInReply"/>s.
/// </summary>
/// <remarks>
/// Reasoning chunks become a <c>thinking</c> block (<c>thinking_delta</c>s, then a <c>signature_delta</c>), text chunks
/// a <c>text</c> block, each tool call a <c>tool_use</c> block whose arguments arrive as <c>input_json_delta</c>
/// fragments. The stop reason is <c>tool_use</c> with tool calls, else <c>end_turn</c>, unless
/// <see cref="StandInReply.FinishReason"/> names one (e.g. <c>max_tokens</c>). Requests without an
/// <c>anthropic-version</c> header are refused with 400, as the real API does.
/// </remarks>
/// <example>
/// <code>
/// await using var anthropic = await AnthropicStandIn.StartAsync(new() { ApiKey = "sk-ant-test" });
/// anthropic.Enqueue(StandInReply.FromText("Hel", "lo"));
/// var client = new AnthropicClient { ApiKey = "sk-ant-test", BaseUrl = anthropic.BaseUri.ToString().TrimEnd('/') };
/// </code>
/// </example>
public sealed class AnthropicStandIn : StandInServer
{
    private AnthropicStandIn(WebApplication app, Uri baseUri, StandInState state)
        : base(app, baseUri, state)
    {
    }

    /// <summary>Starts a stand-in, by default on 127.0.0.1 with a free port.</summary>
    public static async Task<AnthropicStandIn> StartAsync(AnthropicStandInOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AnthropicStandInOptions();
        var state = new StandInState(options.TimeProvider, options.DefaultReply);
        var apiKey = options.ApiKey;
        var models = options.Models.ToArray();
        var (app, baseUri) = await StandInHost.StartAsync(
            options.Endpoint,
            state,
            IsChat,
            app =>
            {
                app.MapPost("/v1/messages", context => AnthropicMessagesEndpoint.HandleAsync(context, apiKey, models));
                app.MapFallback(NotFoundAsync);
            },
            options.AccessLog,
            cancellationToken).ConfigureAwait(false);
        return new AnthropicStandIn(app, baseUri, state);
    }

    /// <summary>
    /// The <c>signature</c> this stand-in gives a thinking block with this text (and accepts back with it): how a test
    /// builds a history the stand-in takes as its own. Any other signature is refused, as the real API refuses one it
    /// did not issue.
    /// </summary>
    public static string SignatureOf(string thinking)
    {
        ArgumentNullException.ThrowIfNull(thinking);
        return AnthropicSignatures.Sign(thinking);
    }

    /// <summary>The <c>data</c> of a <c>redacted_thinking</c> block this stand-in would send for <paramref name="payload"/>.</summary>
    public static string RedactedDataOf(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return AnthropicSignatures.Redact(payload);
    }

    internal static bool IsChat(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals("/v1/messages", StringComparison.OrdinalIgnoreCase);

    private static Task NotFoundAsync(HttpContext context) =>
        AnthropicMessagesEndpoint.WriteErrorAsync(Exchange.Of(context), new StandInErrorStatus(404, "Not Found"));
}
