namespace CursorAspire.TestUpstreams;

/// <summary>
/// A stand-in for <c>ollama serve</c>: Ollama's native NDJSON API (<c>/api/chat</c>, <c>/api/pull</c>, <c>/api/show</c>,
/// <c>/api/tags</c>, <c>/api/version</c>, <c>/api/delete</c>, <c>/api/ps</c>, <c>GET /</c>) plus its OpenAI-compatible
/// <c>/v1/chat/completions</c> and <c>/v1/models</c>, on real Kestrel, answering chat with scripted <see cref="StandInReply"/>s.
/// </summary>
/// <example>
/// <code>
/// await using var ollama = await OllamaStandIn.StartAsync(new() { Models = ["llama3.2"] });
/// ollama.Enqueue(StandInReply.FromText("Hel", "lo"));
/// IChatClient client = new OllamaApiClient(ollama.BaseUri, "llama3.2");
/// </code>
/// </example>
public sealed class OllamaStandIn : StandInServer
{
    private readonly OllamaModelStore _models;

    private OllamaStandIn(WebApplication app, Uri baseUri, StandInState state, OllamaModelStore models)
        : base(app, baseUri, state)
    {
        _models = models;
    }

    /// <summary>The models present now (added, listed at start, or pulled), sorted by name.</summary>
    public IReadOnlyList<OllamaModel> Models => _models.List();

    /// <summary>Starts a stand-in, by default on 127.0.0.1 with a free port and no models.</summary>
    public static async Task<OllamaStandIn> StartAsync(OllamaStandInOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new OllamaStandInOptions();
        var state = new StandInState(options.TimeProvider, options.DefaultReply);
        var models = new OllamaModelStore(options.TimeProvider, options.ContextLength, options.ModelsDirectory, options.ModelInfo);
        var loaded = new OllamaLoadedModels(options.GpuMemoryBytes, options.TimeProvider);
        foreach (var model in options.Models)
        {
            models.Add(model);
        }

        var version = options.Version;
        var stepDelay = options.PullStepDelay;
        var pullable = options.PullableModels?.ToArray();
        var requireModel = options.RequireModelForChat;
        var (app, baseUri) = await StandInHost.StartAsync(
            options.Endpoint,
            state,
            IsChat,
            app =>
            {
                app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], OllamaEndpoints.RootAsync);
                app.MapGet("/api/version", context => OllamaEndpoints.VersionAsync(context, version));
                app.MapGet("/api/tags", context => OllamaEndpoints.TagsAsync(context, models));
                app.MapGet("/api/ps", context => OllamaEndpoints.RunningAsync(context, loaded));
                app.MapPost("/api/show", context => OllamaEndpoints.ShowAsync(context, models));
                app.MapDelete("/api/delete", context => OllamaEndpoints.DeleteAsync(context, models));
                app.MapPost("/api/pull", context => OllamaPullEndpoint.HandleAsync(context, models, stepDelay, pullable));
                app.MapPost("/api/chat", context => OllamaChatEndpoint.HandleAsync(context, models, loaded, requireModel));
                // Ollama's OpenAI-compatible endpoint takes a tool-call turn back with or without its reasoning.
                app.MapPost("/v1/chat/completions", context => OpenAIChatCompletionsEndpoint.HandleAsync(context, requiredApiKey: null, thinkingVendors: ThinkingVendors.None, simulatePromptCache: true));
                app.MapGet("/v1/models", context => OpenAIModelsEndpoint.HandleAsync(context, models.List().Select(m => m.Name), "library", requiredApiKey: null));
                app.MapFallback(NotFoundAsync);
            },
            options.AccessLog,
            cancellationToken).ConfigureAwait(false);
        return new OllamaStandIn(app, baseUri, state, models);
    }

    /// <summary>Makes a model present, as if pulled, optionally with its own context length and make-up.</summary>
    public OllamaModel AddModel(string name, int? contextLength = null, OllamaModelInfo? info = null) => _models.Add(name, contextLength, info);

    /// <summary>Removes a model; false when it was not present.</summary>
    public bool RemoveModel(string name) => _models.Remove(name);

    /// <summary>Whether a model is present (<c>:latest</c> is implied when no tag is given).</summary>
    public bool HasModel(string name) => _models.Find(name) is not null;

    private static bool IsChat(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.Equals("/api/chat", StringComparison.OrdinalIgnoreCase) || OpenAIStandIn.IsChat(request));

    private static Task NotFoundAsync(HttpContext context)
    {
        // Ollama's router (gin) answers unknown routes with a plain-text 404.
        context.Response.StatusCode = 404;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync("404 page not found");
    }
}
