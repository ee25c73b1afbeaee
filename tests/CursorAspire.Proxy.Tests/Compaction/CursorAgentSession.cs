namespace CursorAspire.Proxy.Tests.Compaction;

/// <summary>
/// A Cursor agent session against the proxy, the way Cursor runs it on Chat Completions: its system prompt, tools and
/// first turns from <see cref="CursorFixtures.AgentChatToolsMultiturn"/>, then one streamed request per turn, each answer's
/// tool call executed by appending its result (a file of <see cref="ResultCharacters"/>) and sending the whole history again.
/// </summary>
internal sealed class CursorAgentSession(HttpClient client, string model) : IAsyncDisposable
{
    /// <summary>The size of each file the agent reads: about 600 tokens.</summary>
    public const int ResultCharacters = 2_400;

    private readonly JsonObject _body = Start(model);
    private OllamaStandIn? _ollama;
    private ProxyHost? _proxy;

    /// <summary>The Ollama stand-in of a session from <see cref="StartAsync"/>.</summary>
    public OllamaStandIn Ollama => _ollama ?? throw new InvalidOperationException("Not started with StartAsync.");

    /// <summary>The proxy of a session from <see cref="StartAsync"/>.</summary>
    public ProxyHost Proxy => _proxy ?? throw new InvalidOperationException("Not started with StartAsync.");

    /// <summary>The messages each request sent, in order.</summary>
    public List<JsonArray> Sent { get; } = [];

    /// <summary>
    /// A session on alias <c>local</c>, a model whose window is <paramref name="window"/>, through a proxy of its own to
    /// an Ollama stand-in that answers every turn with the next file to read; both go with the session.
    /// </summary>
    public static async Task<CursorAgentSession> StartAsync(int window, bool compaction)
    {
        var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { Models = ["qwen2.5-coder:7b"], DefaultReply = ReadNextFile });
        var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri)
            .With("Proxy:Models:local:ContextLength", window.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("Proxy:Models:local:Compaction", compaction ? "true" : null));
        return new CursorAgentSession(proxy.Client, "local") { _ollama = ollama, _proxy = proxy };
    }

    /// <summary>Runs <paramref name="turns"/> turns, each answered.</summary>
    public async Task<List<SessionTurn>> RunAsync(int turns)
    {
        var answered = new List<SessionTurn>();
        for (var i = 0; i < turns; i++)
        {
            var turn = await NextAsync();
            Assert.True(turn.Status == HttpStatusCode.OK, $"Turn {i}: {turn.Status} {turn.Body}");
            answered.Add(turn);
        }
        return answered;
    }

    public async ValueTask DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }
        if (_ollama is not null)
        {
            await _ollama.DisposeAsync();
        }
    }

    /// <summary>The messages the next request sends.</summary>
    public JsonArray Messages => _body["messages"]!.AsArray();

    /// <summary>The tool declarations every request sends, in Cursor's order.</summary>
    public JsonArray Tools => _body["tools"]!.AsArray();

    /// <summary>Sends the conversation so far; on a 200, runs the tool call the answer asked for.</summary>
    public async Task<SessionTurn> NextAsync()
    {
        Sent.Add(Messages.DeepClone().AsArray());
        var sent = _body.ToJsonString();
        using var response = await ChatRequests.PostAsync(client, sent);
        var text = await response.Content.ReadAsStringAsync();
        var compacted = response.Headers.TryGetValues(PromptCompaction.HeaderName, out var values) ? values.Single() : null;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new SessionTurn(response.StatusCode, text, compacted, Messages.Count);
        }
        var answer = SseChunks.AssertContract(text, model);
        var call = Assert.Single(answer.ToolCalls);
        var turn = new SessionTurn(response.StatusCode, text, compacted, Messages.Count);
        Messages.Add(new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = null,
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = call.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.Arguments },
            }),
        });
        Messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = call.Id, ["content"] = AgentConversation.FileContents(Messages.Count, ResultCharacters) });
        return turn;
    }

    /// <summary>The stand-in's answer to every turn: read the next file.</summary>
    public static StandInReply ReadNextFile(RecordedRequest request)
    {
        var turn = request.Json!["messages"]!.AsArray().Count;
        return new StandInReply { ToolCalls = [new StandInToolCall("read_file", $$"""{"target_file":"src/File{{turn}}.cs"}""")] };
    }

    private static JsonObject Start(string model)
    {
        var body = JsonNode.Parse(CursorFixtures.Read(CursorFixtures.AgentChatToolsMultiturn))!.AsObject();
        body["model"] = model;
        body["stream"] = true;
        body["stream_options"] = new JsonObject { ["include_usage"] = true };
        body.Remove("reasoning");
        return body;
    }
}

/// <summary>One request of the session: its status, body, <c>x-cursoraspire-compacted</c> and how many messages it sent.</summary>
internal sealed record SessionTurn(HttpStatusCode Status, string Body, string? Compacted, int MessageCount)
{
    /// <summary>The elision boundary the proxy reported (messages before it were compacted), or 0.</summary>
    public int Boundary => Compacted is null ? 0 : int.Parse(Compacted.Split("; ").Single(p => p.StartsWith("boundary=", StringComparison.Ordinal))["boundary=".Length..], CultureInfo.InvariantCulture);
}
