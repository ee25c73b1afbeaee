using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace CursorAspire.Check.Tests.Infrastructure;

/// <summary>
/// A small in-test OpenAI-compatible server, as a message handler: by default it behaves like a healthy CursorAspire
/// proxy behind a tunnel (health, models, Verify, streams, tool calls, usage, CORS); each property switches one fault on.
/// Time passes only on <see cref="Clock"/>, so a slow first token is a clock advance, not a wait.
/// </summary>
internal sealed class FakeCursorServer : HttpMessageHandler
{
    public const string Host = "check.example.test";
    public const string Key = "fake-key-0123456789abcdefghij";
    public const string Model = "local-qwen";

    public static readonly Uri BaseUrl = new($"https://{Host}/v1");

    public FakeTimeProvider Clock { get; } = new();

    public List<string> Models { get; set; } = [Model];

    /// <summary>What answers every request before the server (Cloudflare's edge): status and body; null lets the server answer.</summary>
    public (int Status, string Body, string ContentType)? Edge { get; set; }

    /// <summary>Fails every request as the network would (DNS, TLS, refused connection).</summary>
    public HttpRequestError? NetworkError { get; set; }

    public bool AcceptsAnyKey { get; set; }

    public bool ServesModels { get; set; } = true;

    public bool CallsTools { get; set; } = true;

    public bool ReadsResponsesShape { get; set; } = true;

    /// <summary>Refuses Cursor's Anthropic-shaped bodies the way other gateways do (an upstream's "Unknown name input_schema").</summary>
    public bool ReadsAnthropicShape { get; set; } = true;

    /// <summary>Answers a name with one of Cursor's variant suffixes with the upstream's 400, as other gateways do.</summary>
    public bool RefusesVariantNames { get; set; }

    /// <summary>Unknown model names get 404 rather than the default model.</summary>
    public bool RefusesUnknownModels { get; set; }

    /// <summary>A prompt estimated above this is refused with 400 <c>context_length_exceeded</c>, as the proxy does.</summary>
    public int ContextWindow { get; set; } = 32_768;

    /// <summary>Reports at most this many prompt tokens (a server that cuts the prompt silently).</summary>
    public int? TruncatesTo { get; set; }

    public bool UpstreamDown { get; set; }

    /// <summary>Chat requests never answer; the clock jumps past any deadline of the check, as a hung model server would make it.</summary>
    public bool Hangs { get; set; }

    public bool BudgetSpent { get; set; }

    public bool EndsStreamsWithoutDone { get; set; }

    /// <summary>How long each streamed request waits before its first token, in order; none left means none.</summary>
    public Queue<TimeSpan> FirstTokenDelays { get; } = new();

    public bool PreflightNeedsKey { get; set; }

    public string AllowHeaders { get; set; } = "authorization,content-type";

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    public HttpClient CreateClient() => new(this, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

    public sealed record Recorded(HttpMethod Method, string Path, HttpRequestHeaders Headers, JsonObject? Body);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var text = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var body = string.IsNullOrEmpty(text) ? null : JsonNode.Parse(text) as JsonObject;
        var path = request.RequestUri!.AbsolutePath;
        Requests.Enqueue(new Recorded(request.Method, path, request.Headers, body));
        if (NetworkError is { } error)
        {
            throw new HttpRequestException(error, $"fake {error}", inner: error == HttpRequestError.SecureConnectionError
                ? new System.Security.Authentication.AuthenticationException("The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot")
                : null);
        }

        if (Edge is { } edge)
        {
            var response = Answer((HttpStatusCode)edge.Status, edge.Body, edge.ContentType);
            response.Headers.TryAddWithoutValidation("Server", "cloudflare");
            response.Headers.TryAddWithoutValidation("CF-RAY", "8f1e2d3c4b5a6978-FRA");
            return response;
        }

        if (request.Method == HttpMethod.Options)
        {
            return Preflight(request);
        }

        if (path == "/health")
        {
            return Answer(HttpStatusCode.OK, "Healthy", "text/plain");
        }

        if (!AcceptsAnyKey && request.Headers.Authorization?.Parameter != Key)
        {
            return Error(401, "Invalid API key. In Cursor, set Settings > Models > OpenAI API Key to one of the proxy's keys.", "invalid_api_key");
        }

        if (Hangs && path == "/v1/chat/completions")
        {
            Clock.Advance(TimeSpan.FromHours(1));
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return (request.Method.Method, path) switch
        {
            ("GET", "/v1/models") when ServesModels => Answer(HttpStatusCode.OK, new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. Models.Select(m => (JsonNode)new JsonObject { ["id"] = m, ["object"] = "model" })]),
            }.ToJsonString(), "application/json"),
            ("POST", "/v1/chat/completions") => Chat(body!),
            _ => Error(404, $"No such endpoint: {request.Method} {path}.", null),
        };
    }

    private HttpResponseMessage Chat(JsonObject body)
    {
        var model = (string?)body["model"] ?? string.Empty;
        if (BudgetSpent)
        {
            return Error(429, "API key 'limited' has spent its daily token budget (350 of 300 tokens, Proxy:Keys:limited:TokensPerDay).", "insufficient_quota");
        }

        if (RefusesUnknownModels && !Models.Contains(model))
        {
            return Error(404, $"The model '{model}' does not exist.", "model_not_found");
        }

        if (body["input"] is not null && !ReadsResponsesShape)
        {
            return Error(400, "'messages' is a required property.", null);
        }

        var anthropicShaped = body["system"] is not null;
        if (anthropicShaped && !ReadsAnthropicShape)
        {
            return Error(400, "Invalid JSON payload received. Unknown name \"input_schema\" at 'request.tools[0].function_declarations[0]': Cannot find field.", null);
        }

        if (RefusesVariantNames && CursorAspire.Contracts.CursorModelNames.VariantSuffixes.Any(s => model.EndsWith(s, StringComparison.Ordinal)))
        {
            return Error(400, $"The model `{model}` does not exist or you do not have access to it.", "model_not_found");
        }

        if (UpstreamDown)
        {
            return Error(502, "Cannot reach provider 'ollama' (Connection refused (127.0.0.1:11434)). Check that it is running and that Proxy:Providers:ollama:Endpoint is right.", "upstream_unreachable");
        }

        var promptTokens = body.ToJsonString().Length / 4;
        if (promptTokens > ContextWindow)
        {
            return Error(400, $"This conversation is about {promptTokens:N0} tokens, but {model} has a context window of {ContextWindow:N0} tokens.", "context_length_exceeded");
        }

        if (FirstTokenDelays.TryDequeue(out var delay))
        {
            Clock.Advance(delay);
        }

        var usage = new JsonObject { ["prompt_tokens"] = Math.Min(promptTokens, TruncatesTo ?? int.MaxValue), ["completion_tokens"] = 2 };
        if (body["stream"]?.GetValue<bool>() != true)
        {
            return Answer(HttpStatusCode.OK, new JsonObject
            {
                ["object"] = "chat.completion",
                ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "ok" }, ["finish_reason"] = "stop" }),
                ["usage"] = usage,
            }.ToJsonString(), "application/json", allowOrigin: true);
        }

        var chunks = new List<JsonObject>();
        if ((body["input"] is not null || anthropicShaped) && CallsTools)
        {
            chunks.Add(Delta(new JsonObject { ["role"] = "assistant", ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["index"] = 0, ["id"] = "call_1", ["type"] = "function", ["function"] = new JsonObject { ["name"] = "ReadFile", ["arguments"] = "" },
            }) }));
            chunks.Add(Delta(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = """{"path":"/workspace/README.md"}""" } }) }));
            chunks.Add(Finish("tool_calls"));
        }
        else
        {
            chunks.Add(Delta(new JsonObject { ["role"] = "assistant", ["content"] = "I cannot read files, but README files usually" }));
            chunks.Add(Delta(new JsonObject { ["content"] = " describe the project." }));
            chunks.Add(Finish("stop"));
        }

        chunks.Add(new JsonObject { ["id"] = "chatcmpl-1", ["object"] = "chat.completion.chunk", ["model"] = model, ["choices"] = new JsonArray(), ["usage"] = usage });
        var sse = new StringBuilder();
        foreach (var chunk in chunks)
        {
            chunk["model"] = model;
            sse.Append("data: ").Append(chunk.ToJsonString()).Append("\n\n");
        }

        if (!EndsStreamsWithoutDone)
        {
            sse.Append("data: [DONE]\n\n");
        }

        return Answer(HttpStatusCode.OK, sse.ToString(), "text/event-stream");

        static JsonObject Delta(JsonObject delta) => new()
        {
            ["id"] = "chatcmpl-1", ["object"] = "chat.completion.chunk",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = null }),
        };

        static JsonObject Finish(string reason) => new()
        {
            ["id"] = "chatcmpl-1", ["object"] = "chat.completion.chunk",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject(), ["finish_reason"] = reason }),
        };
    }

    private HttpResponseMessage Preflight(HttpRequestMessage request)
    {
        if (PreflightNeedsKey)
        {
            return Error(401, "Missing API key.", "invalid_api_key");
        }

        var response = new HttpResponseMessage(HttpStatusCode.NoContent);
        response.Headers.TryAddWithoutValidation("Access-Control-Allow-Origin", request.Headers.GetValues("Origin").Single());
        response.Headers.TryAddWithoutValidation("Access-Control-Allow-Methods", "GET,POST,OPTIONS");
        response.Headers.TryAddWithoutValidation("Access-Control-Allow-Headers", AllowHeaders);
        response.Headers.TryAddWithoutValidation("Access-Control-Max-Age", "86400");
        return response;
    }

    private static HttpResponseMessage Error(int status, string message, string? code) =>
        Answer((HttpStatusCode)status, JsonSerializer.Serialize(new { error = new { message, type = "invalid_request_error", code, param = (string?)null } }), "application/json");

    private static HttpResponseMessage Answer(HttpStatusCode status, string body, string contentType, bool allowOrigin = false)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (allowOrigin)
        {
            response.Headers.TryAddWithoutValidation("Access-Control-Allow-Origin", "vscode-file://vscode-app");
        }

        return response;
    }
}
