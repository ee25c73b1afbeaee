namespace CursorAspire.TestUpstreams;

/// <summary>
/// A stand-in for an OpenAI-compatible server: <c>POST /v1/chat/completions</c> (JSON or SSE) and <c>GET /v1/models</c>,
/// on real Kestrel, answering with scripted <see cref="StandInReply"/>s.
/// </summary>
/// <example>
/// <code>
/// await using var openai = await OpenAIStandIn.StartAsync();
/// openai.Enqueue(StandInReply.FromText("Hel", "lo"));
/// var client = new ChatClient("gpt-4o-mini", new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = openai.ApiBaseUri });
/// </code>
/// </example>
public sealed class OpenAIStandIn : StandInServer
{
    private OpenAIStandIn(WebApplication app, Uri baseUri, StandInState state)
        : base(app, baseUri, state)
    {
        ApiBaseUri = new Uri(baseUri, "v1/");
    }

    /// <summary>The OpenAI API base, <c>{BaseUri}v1/</c>: what an OpenAI client takes as its endpoint.</summary>
    public Uri ApiBaseUri { get; }

    /// <summary>Starts a stand-in, by default on 127.0.0.1 with a free port.</summary>
    public static async Task<OpenAIStandIn> StartAsync(OpenAIStandInOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new OpenAIStandInOptions();
        var state = new StandInState(options.TimeProvider, options.DefaultReply);
        var models = options.Models.ToArray();
        var apiKey = options.ApiKey;
        var thinkingVendors = ThinkingVendors.From(options);
        var simulatePromptCache = options.SimulatePromptCache;
        var (app, baseUri) = await StandInHost.StartAsync(
            options.Endpoint,
            state,
            IsChat,
            app =>
            {
                app.MapPost("/v1/chat/completions", context => OpenAIChatCompletionsEndpoint.HandleAsync(context, apiKey, thinkingVendors, simulatePromptCache));
                app.MapGet("/v1/models", context => OpenAIModelsEndpoint.HandleAsync(context, models, "openai", apiKey));
                app.MapFallback(NotFoundAsync);
            },
            options.AccessLog,
            cancellationToken).ConfigureAwait(false);
        return new OpenAIStandIn(app, baseUri, state);
    }

    internal static bool IsChat(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals("/v1/chat/completions", StringComparison.OrdinalIgnoreCase);

    private static Task NotFoundAsync(HttpContext context) =>
        OpenAIChatCompletionsEndpoint.WriteErrorAsync(Exchange.Of(context),
            new StandInErrorStatus(404, $"Invalid URL ({context.Request.Method} {context.Request.Path})"));
}
