namespace CursorAspire.TestUpstreams;

/// <summary>
/// One HTTP request a stand-in received, recorded before it was answered, and how its exchange ended.
/// </summary>
public sealed class RecordedRequest
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<RequestOutcome> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;

    private readonly byte[] _bodyBytes;
    private PromptContents? _contents;

    internal RecordedRequest(
        string method, string path, string queryString,
        IReadOnlyDictionary<string, string> headers, byte[] bodyBytes, bool isChat, TimeProvider time)
    {
        Method = method;
        Path = path;
        QueryString = queryString;
        Headers = headers;
        _bodyBytes = bodyBytes;
        var body = System.Text.Encoding.UTF8.GetString(bodyBytes);
        Body = body;
        IsChat = isChat;
        _time = time;
        ReceivedAt = time.GetUtcNow();
        if (body.Length > 0)
        {
            try
            {
                Json = JsonNode.Parse(body);
                using var document = JsonDocument.Parse(body);
                JsonElement = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                JsonError = ex.Message;
            }
        }
    }

    /// <summary>0-based order of arrival at this stand-in.</summary>
    public int Sequence { get; internal set; }

    /// <summary>HTTP method, e.g. <c>POST</c>.</summary>
    public string Method { get; }

    /// <summary>Request path, e.g. <c>/api/chat</c> or <c>/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>Query string including the leading <c>?</c>, or empty.</summary>
    public string QueryString { get; }

    /// <summary>Request headers (case-insensitive names; repeated headers joined with <c>", "</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The raw body, decoded as UTF-8 (empty when there is none).</summary>
    public string Body { get; }

    /// <summary>The body exactly as it arrived, byte for byte.</summary>
    public ReadOnlyMemory<byte> BodyBytes => _bodyBytes;

    /// <summary>
    /// The dialect the body is written in, by path: <c>/v1/messages</c> is Anthropic's, every chat path else is
    /// Chat Completions (Ollama's <c>/api/chat</c> included).
    /// </summary>
    public WireDialect Dialect => Path.EndsWith("/messages", StringComparison.OrdinalIgnoreCase)
        ? WireDialect.AnthropicMessages
        : WireDialect.ChatCompletions;

    /// <summary>The system prompt as it arrived: each system text in order (see <see cref="PromptContents"/>).</summary>
    public IReadOnlyList<string> SystemTexts => Contents.SystemTexts;

    /// <summary>Every tool result as it arrived, in order (see <see cref="PromptContents"/>).</summary>
    public IReadOnlyList<PromptToolResult> ToolResults => Contents.ToolResults;

    /// <summary>
    /// Thinking vendors of the OpenAI-compatible stand-in: for each assistant tool-call message in this request that
    /// answers a tool call the stand-in issued, whether the reasoning it sent came back intact. Empty for other models.
    /// </summary>
    public IReadOnlyList<ReasoningReturn> ReasoningReturns { get; internal set; } = [];

    /// <summary>The <see cref="ReasoningReturns"/> whose reasoning did not come back intact.</summary>
    public IReadOnlyList<ReasoningReturn> ReasoningViolations => [.. ReasoningReturns.Where(r => r.Status != ReasoningReturnStatus.Intact)];

    private PromptContents Contents => _contents ??= PromptContents.Of(Json, Dialect);

    /// <summary>The body parsed as JSON, or <see langword="null"/> when empty or not JSON. Treat as read-only.</summary>
    public JsonNode? Json { get; }

    /// <summary>The body parsed as JSON (a detached element, no disposal needed), or <see langword="null"/>.</summary>
    public JsonElement? JsonElement { get; }

    /// <summary>The JSON parser's message when the body is not valid JSON.</summary>
    public string? JsonError { get; }

    /// <summary>Whether this is a chat call (<c>POST /api/chat</c> or <c>POST /v1/chat/completions</c>).</summary>
    public bool IsChat { get; }

    /// <summary>When the request was recorded (from the stand-in's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>The scripted reply used for this chat call (<see langword="null"/> for other requests).</summary>
    public StandInReply? Reply { get; internal set; }

    /// <summary>The <c>model</c> field of the JSON body, if any.</summary>
    public string? Model => Json is JsonObject o && o["model"] is JsonValue v && v.TryGetValue<string>(out var m) ? m : null;

    /// <summary>Completes when the client disconnects before the response finished. Never completes otherwise.</summary>
    public Task Aborted => _aborted.Task;

    /// <summary>When the client aborted, if it did.</summary>
    public DateTimeOffset? AbortedAt { get; private set; }

    /// <summary>Whether the client aborted before the response finished.</summary>
    public bool WasAborted => _aborted.Task.IsCompleted;

    /// <summary>Completes with the outcome once the exchange is over (completed, client- or server-aborted).</summary>
    public Task<RequestOutcome> Finished => _finished.Task;

    /// <summary>The outcome so far.</summary>
    public RequestOutcome Outcome
    {
        get
        {
            lock (_gate)
            {
                return _finished.Task.IsCompleted ? _finished.Task.Result : RequestOutcome.InProgress;
            }
        }
    }

    /// <summary>
    /// The text of the last <c>user</c> message in a <c>messages</c> array: a string content, or the <c>text</c> parts of
    /// an array content joined. <see langword="null"/> when there is none.
    /// </summary>
    public string? LastUserText()
    {
        if (Json is not JsonObject o || o["messages"] is not JsonArray messages)
        {
            return null;
        }

        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i] is JsonObject m && m["role"] is JsonValue r && r.TryGetValue<string>(out var role) && role == "user")
            {
                return m["content"] switch
                {
                    JsonValue s when s.TryGetValue<string>(out var text) => text,
                    JsonArray parts => string.Concat(parts.OfType<JsonObject>()
                        .Select(p => p["text"] is JsonValue t && t.TryGetValue<string>(out var pt) ? pt : string.Empty)),
                    _ => string.Empty,
                };
            }
        }

        return null;
    }

    /// <summary>
    /// How many leading bytes this body shares with <paramref name="other"/>'s: what a provider's prefix cache can reuse
    /// from one request to the next.
    /// </summary>
    public int SharedPrefixLength(RecordedRequest other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return _bodyBytes.AsSpan().CommonPrefixLength(other._bodyBytes);
    }

    /// <inheritdoc />
    public override string ToString() => $"#{Sequence} {Method} {Path} ({Outcome})";

    internal void MarkClientAborted()
    {
        lock (_gate)
        {
            if (_finished.Task.IsCompleted)
            {
                return;
            }

            AbortedAt = _time.GetUtcNow();
            _finished.TrySetResult(RequestOutcome.ClientAborted);
        }

        _aborted.TrySetResult();
    }

    internal void MarkServerAborted()
    {
        lock (_gate)
        {
            _finished.TrySetResult(RequestOutcome.ServerAborted);
        }
    }

    internal void MarkCompleted()
    {
        lock (_gate)
        {
            _finished.TrySetResult(RequestOutcome.Completed);
        }
    }
}
