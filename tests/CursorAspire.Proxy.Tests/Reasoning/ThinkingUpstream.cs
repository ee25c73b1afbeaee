namespace CursorAspire.Proxy.Tests.Reasoning;

/// <summary>
/// A thinking model behind the proxy, one per provider kind, with the alias <see cref="Alias"/> configured the way a
/// user would: DeepSeek in thinking mode (OpenAI-compatible, <c>reasoning_content</c>), Claude with extended thinking
/// (signed <c>thinking</c> blocks), and an Ollama thinking model (<c>thinking</c>).
/// </summary>
public sealed class ThinkingUpstream(string kind, StandInServer server, ProxyHost proxy) : IAsyncDisposable
{
    public const string Alias = "ds";
    public const string KeyA = "sk-reasoning-key-a-0123456789abcdef";
    public const string KeyB = "sk-reasoning-key-b-0123456789abcdef";

    /// <summary><c>DeepSeek</c>, <c>Anthropic</c> or <c>Ollama</c>.</summary>
    public string Kind { get; } = kind;

    public StandInServer Server { get; } = server;

    public ProxyHost Proxy { get; } = proxy;

    public static async Task<ThinkingUpstream> StartAsync(string kind, IDictionary<string, string?>? settings = null)
    {
        StandInServer server = kind switch
        {
            "DeepSeek" => await OpenAIStandIn.StartAsync(new OpenAIStandInOptions { ApiKey = "sk-deepseek-upstream" }),
            "Anthropic" => await AnthropicStandIn.StartAsync(new AnthropicStandInOptions { ApiKey = "sk-ant-upstream" }),
            "Ollama" => await OllamaStandIn.StartAsync(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        // Exactly as the acceptance configures a thinking alias; the other kinds alike.
        var config = new Dictionary<string, string?>
        {
            ["Proxy:ApiKeys:0"] = KeyA,
            ["Proxy:ApiKeys:1"] = KeyB,
            ["Proxy:DefaultModel"] = Alias,
            [$"Proxy:Models:{Alias}:Provider"] = "upstream",
            [$"Proxy:Models:{Alias}:Reasoning"] = "true",
            ["Proxy:Providers:upstream:Kind"] = kind == "DeepSeek" ? "OpenAI" : kind,
        };
        switch (server)
        {
            case OpenAIStandIn openai:
                config["Proxy:Providers:upstream:Endpoint"] = openai.ApiBaseUri.ToString();
                config["Proxy:Providers:upstream:ApiKey"] = "sk-deepseek-upstream";
                config[$"Proxy:Models:{Alias}:Model"] = "deepseek-reasoner";
                break;
            case AnthropicStandIn anthropic:
                config["Proxy:Providers:upstream:Endpoint"] = anthropic.BaseUri.ToString();
                config["Proxy:Providers:upstream:ApiKey"] = "sk-ant-upstream";
                config[$"Proxy:Models:{Alias}:Model"] = "claude-sonnet-4-5";
                break;
            default:
                config["Proxy:Providers:upstream:Endpoint"] = server.BaseUri.ToString();
                config[$"Proxy:Models:{Alias}:Model"] = "qwen3:8b";
                break;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }
        try
        {
            return new ThinkingUpstream(kind, server, await ProxyHost.StartAsync(config));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The reply of agent turn <paramref name="turn"/>: thinking, then one tool call (ids the stand-in's own, except Ollama's).</summary>
    public static StandInReply ToolTurn(int turn) => new()
    {
        ReasoningChunks = [$"Turn {turn}: I should ", $"read file {turn} first."],
        ToolCalls = [new StandInToolCall("read_file", $$"""{"path":"src/file{{turn}}.py"}""")],
    };

    /// <summary>The reasoning text of <see cref="ToolTurn"/>.</summary>
    public static string ReasoningOf(int turn) => $"Turn {turn}: I should read file {turn} first.";

    /// <summary>The final reply: thinking and an answer.</summary>
    public static StandInReply Answer() => new() { ReasoningChunks = ["All read."], TextChunks = ["Done: ", "all files read."] };

    /// <summary>
    /// The assistant messages of an upstream request as the provider received them: the reasoning each carried
    /// (DeepSeek's <c>reasoning_content</c>, Anthropic's thinking block text or <c>[redacted]</c>, Ollama's
    /// <c>thinking</c>), its text and whether it had tool calls.
    /// </summary>
    public List<(string? Reasoning, string Text, bool HasToolCalls)> AssistantMessages(RecordedRequest request)
    {
        var result = new List<(string?, string, bool)>();
        foreach (var node in request.Json!["messages"]!.AsArray())
        {
            if (node is not JsonObject message || (string?)message["role"] != "assistant")
            {
                continue;
            }
            switch (Kind)
            {
                case "Anthropic":
                    var blocks = message["content"] as JsonArray ?? [];
                    var thinking = blocks.FirstOrDefault(b => (string?)b?["type"] is "thinking" or "redacted_thinking");
                    result.Add((
                        thinking is null ? null : (string?)thinking["type"] == "redacted_thinking" ? "[redacted]" : (string?)thinking["thinking"],
                        string.Concat(blocks.Where(b => (string?)b?["type"] == "text").Select(b => (string?)b!["text"])),
                        blocks.Any(b => (string?)b?["type"] == "tool_use")));
                    break;
                case "Ollama":
                    result.Add(((string?)message["thinking"], (string?)message["content"] ?? string.Empty, message["tool_calls"] is JsonArray { Count: > 0 }));
                    break;
                default:
                    result.Add((message.ContainsKey("reasoning_content") ? (string?)message["reasoning_content"] ?? string.Empty : null,
                        (string?)message["content"] ?? string.Empty, message["tool_calls"] is JsonArray { Count: > 0 }));
                    break;
            }
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Server.DisposeAsync();
    }
}
