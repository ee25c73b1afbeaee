namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>
/// An agent loop the way Cursor runs it for a model name containing <c>claude</c>: Anthropic-shaped bodies on
/// <c>…/chat/completions</c> (the first-turn fixture's system blocks, tools, markers and task), Chat Completions back. It
/// keeps only what it was shown (the content, <c>&lt;think&gt;</c> tags and all, and the tool calls with their ids) and
/// answers each call with a <c>tool_result</c> block, then sends the whole history again.
/// </summary>
public sealed class AnthropicShapedAgent
{
    private readonly HttpClient _client;
    private readonly JsonObject _body;
    private int _resultsInLastRequest;

    public AnthropicShapedAgent(HttpClient client, string model, bool stream)
    {
        _client = client;
        _body = JsonNode.Parse(CursorFixtures.Read(CursorFixtures.AnthropicShapedFirstTurn))!.AsObject();
        _body["model"] = model;
        _body["stream"] = stream;
        Stream = stream;
    }

    public bool Stream { get; }

    /// <summary>The model name sent, echoed in every answer.</summary>
    public string Model => (string)_body["model"]!;

    /// <summary>Every tool result sent so far, as the upstream should read it (its text, joined), in order.</summary>
    public List<(string CallId, string Text)> ResultsSent { get; } = [];

    /// <summary>The system texts the agent sends (the fixture's blocks).</summary>
    public static IReadOnlyList<string> SystemTexts => CursorFixtures.Contents(CursorFixtures.AnthropicShapedFirstTurn).SystemTexts;

    /// <summary>
    /// Sends the conversation so far and reads the answer. Each tool call the answer made is answered with a result
    /// (<paramref name="result"/> gives its content: a string, or blocks) and kept in the history for the next turn.
    /// </summary>
    public async Task<AgentAnswer> NextAsync(Func<string, string, int, JsonNode> result, CancellationToken cancellationToken = default)
    {
        _resultsInLastRequest = ResultsSent.Count;
        using var response = await ChatRequests.PostAsync(_client, _body.ToJsonString(), cancellationToken: cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var answer = Stream ? FromStream(text) : FromCompletion(text);

        var messages = _body["messages"]!.AsArray();
        var assistant = new JsonArray();
        if (answer.Content.Length > 0)
        {
            assistant.Add(new JsonObject { ["type"] = "text", ["text"] = answer.Content });
        }
        foreach (var (id, name, arguments) in answer.ToolCalls)
        {
            assistant.Add(new JsonObject { ["type"] = "tool_use", ["id"] = id, ["name"] = name, ["input"] = JsonNode.Parse(arguments) });
        }
        messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = assistant });
        if (answer.ToolCalls.Count > 0)
        {
            var results = new JsonArray();
            foreach (var (id, name, _) in answer.ToolCalls)
            {
                var content = result(id, name, ResultsSent.Count);
                ResultsSent.Add((id, content is JsonArray blocks
                    ? string.Concat(blocks.Select(b => (string?)b!["text"] ?? string.Empty))
                    : (string)content!));
                results.Add(new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = id, ["content"] = content });
            }
            // Cursor marks the latest turn for its cache.
            results[^1]!["cache_control"] = new JsonObject { ["type"] = "ephemeral" };
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = results });
        }
        return answer;
    }

    /// <summary>
    /// Asserts that the upstream's request for the agent's last turn carried the system prompt and every tool result the
    /// agent had sent with it, byte for byte.
    /// </summary>
    public void AssertArrived(RecordedRequest upstream, bool callIds = true)
    {
        var system = string.Join("\n", upstream.SystemTexts);
        Assert.All(SystemTexts, text => Assert.Contains(text, system, StringComparison.Ordinal));
        var sent = ResultsSent.Take(_resultsInLastRequest).ToList();
        Assert.Equal(sent.Select(r => r.Text), upstream.ToolResults.Select(r => r.Text));
        if (callIds)
        {
            Assert.Equal(sent.Select(r => r.CallId), upstream.ToolResults.Select(r => r.CallId));
        }
    }

    private AgentAnswer FromStream(string body)
    {
        var summary = SseChunks.AssertContract(body, Model);
        return new AgentAnswer(summary.Content, summary.ToolCalls, summary.FinishReason);
    }

    private AgentAnswer FromCompletion(string body)
    {
        var completion = JsonNode.Parse(body)!;
        Assert.Equal("chat.completion", (string?)completion["object"]);
        Assert.Equal(Model, (string?)completion["model"]);
        var choice = completion["choices"]![0]!;
        var calls = (choice["message"]!["tool_calls"] as JsonArray ?? [])
            .Select(c => ((string)c!["id"]!, (string)c["function"]!["name"]!, (string)c["function"]!["arguments"]!))
            .ToList();
        return new AgentAnswer((string?)choice["message"]!["content"] ?? string.Empty, calls, (string)choice["finish_reason"]!);
    }
}

/// <summary>What the agent was shown of one answer.</summary>
public sealed record AgentAnswer(string Content, List<(string Id, string Name, string Arguments)> ToolCalls, string FinishReason);
