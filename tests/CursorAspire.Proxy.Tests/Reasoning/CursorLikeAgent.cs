// ReasoningEffortLevel is experimental in the OpenAI client (OPENAI001); Cursor sends an effort, so the test does too.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;

namespace CursorAspire.Proxy.Tests.Reasoning;

/// <summary>
/// An agent loop the way Cursor runs it, over the official OpenAI client: it keeps only what it was shown (the content,
/// with the reasoning inside <c>&lt;think&gt;</c> tags, and the tool calls with their ids), never reasoning fields, runs
/// each tool and sends the whole history again, as Chat Completions (<c>messages</c>) or Responses-shaped (<c>input</c>)
/// bodies on <c>…/chat/completions</c>.
/// </summary>
public sealed class CursorLikeAgent(ProxyHost proxy, string apiKey, bool responsesShaped, bool stream)
{
    private const string System = "You are a coding agent. Use the tools.";
    private const string Task = "Read the three files and report.";

    private static readonly BinaryData ReadFileParameters = BinaryData.FromString(
        """{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}""");

    private readonly ChatClient _client = new(ThinkingUpstream.Alias, new ApiKeyCredential(apiKey), new OpenAIClientOptions
    {
        Endpoint = new Uri(proxy.BaseUri, "v1/"),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });

    /// <summary>The turns so far: what the assistant showed, its calls, and the tool results sent back.</summary>
    public List<AgentTurn> History { get; } = [];

    /// <summary>Sends the conversation so far and records the answer (with a result for each tool call) in <see cref="History"/>.</summary>
    public async Task<AgentTurn> NextAsync(CancellationToken cancellationToken)
    {
        var turn = responsesShaped ? await SendResponsesShapedAsync(cancellationToken) : await SendChatAsync(cancellationToken);
        History.Add(turn);
        return turn;
    }

    private async Task<AgentTurn> SendChatAsync(CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage> { new SystemChatMessage(System), new UserChatMessage(Task) };
        foreach (var turn in History)
        {
            if (turn.Calls.Count == 0)
            {
                messages.Add(new AssistantChatMessage(turn.Content));
                continue;
            }
            var assistant = new AssistantChatMessage(turn.Calls.Select(c => ChatToolCall.CreateFunctionToolCall(c.Id, c.Name, BinaryData.FromString(c.Arguments))));
            if (turn.Content.Length > 0)
            {
                assistant.Content.Add(ChatMessageContentPart.CreateTextPart(turn.Content));
            }
            messages.Add(assistant);
            messages.AddRange(turn.Calls.Select(c => new ToolChatMessage(c.Id, Result(c))));
        }
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("read_file", "Reads a file.", ReadFileParameters) },
            ReasoningEffortLevel = ChatReasoningEffortLevel.Medium,
        };

        if (!stream)
        {
            ChatCompletion completion = await _client.CompleteChatAsync(messages, options, cancellationToken);
            return new AgentTurn(
                string.Concat(completion.Content.Select(p => p.Text)),
                [.. completion.ToolCalls.Select(c => new AgentCall(c.Id, c.FunctionName, c.FunctionArguments.ToString()))],
                Wire(completion.FinishReason));
        }

        var content = new StringBuilder();
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Arguments)>();
        string? finish = null;
        await foreach (var update in _client.CompleteChatStreamingAsync(messages, options, cancellationToken))
        {
            foreach (var part in update.ContentUpdate)
            {
                content.Append(part.Text);
            }
            foreach (var call in update.ToolCallUpdates)
            {
                if (!calls.TryGetValue(call.Index, out var entry))
                {
                    calls[call.Index] = entry = (call.ToolCallId, call.FunctionName, new StringBuilder());
                }
                entry.Arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
            finish = update.FinishReason is { } reason ? Wire(reason) : finish;
        }
        return new AgentTurn(content.ToString(), [.. calls.Values.Select(c => new AgentCall(c.Id, c.Name, c.Arguments.ToString()))], finish ?? string.Empty);
    }

    private async Task<AgentTurn> SendResponsesShapedAsync(CancellationToken cancellationToken)
    {
        var input = new JsonArray
        {
            new JsonObject { ["role"] = "system", ["content"] = System },
            new JsonObject { ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "input_text", ["text"] = Task }) },
        };
        foreach (var turn in History)
        {
            if (turn.Content.Length > 0)
            {
                input.Add(new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = turn.Content }) });
            }
            foreach (var call in turn.Calls)
            {
                input.Add(new JsonObject { ["type"] = "function_call", ["call_id"] = call.Id, ["name"] = call.Name, ["arguments"] = call.Arguments });
            }
            foreach (var call in turn.Calls)
            {
                input.Add(new JsonObject { ["type"] = "function_call_output", ["call_id"] = call.Id, ["output"] = Result(call) });
            }
        }
        var body = new JsonObject
        {
            ["model"] = ThinkingUpstream.Alias,
            ["stream"] = stream,
            ["input"] = input,
            ["tools"] = new JsonArray(new JsonObject
            {
                ["type"] = "function",
                ["name"] = "read_file",
                ["description"] = "Reads a file.",
                ["parameters"] = JsonNode.Parse(ReadFileParameters.ToString()),
                ["strict"] = false,
            }),
            ["tool_choice"] = "auto",
            ["reasoning"] = new JsonObject { ["effort"] = "medium", ["summary"] = "auto" },
            ["stream_options"] = stream ? new JsonObject { ["include_usage"] = true } : null,
        };

        // The official client's protocol method: Cursor's agent body is not one its typed API can build.
        var result = await _client.CompleteChatAsync(BinaryContent.Create(BinaryData.FromString(body.ToJsonString())),
            new RequestOptions { CancellationToken = cancellationToken });
        var text = result.GetRawResponse().Content.ToString();
        if (stream)
        {
            var summary = SseChunks.AssertContract(text, ThinkingUpstream.Alias);
            return new AgentTurn(summary.Content, [.. summary.ToolCalls.Select(c => new AgentCall(c.Id, c.Name, c.Arguments))], summary.FinishReason);
        }
        var choice = JsonDocument.Parse(text).RootElement.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        var calls = message.TryGetProperty("tool_calls", out var toolCalls)
            ? toolCalls.EnumerateArray().Select(c => new AgentCall(c.GetProperty("id").GetString()!, c.GetProperty("function").GetProperty("name").GetString()!, c.GetProperty("function").GetProperty("arguments").GetString()!)).ToList()
            : [];
        return new AgentTurn(message.GetProperty("content").GetString() ?? string.Empty, calls, choice.GetProperty("finish_reason").GetString()!);
    }

    private static string Result(AgentCall call) => $"contents of {call.Arguments}";

    // The finish reason as it is on the wire.
    private static string Wire(ChatFinishReason reason) => reason switch
    {
        ChatFinishReason.ToolCalls => "tool_calls",
        ChatFinishReason.Length => "length",
        ChatFinishReason.ContentFilter => "content_filter",
        _ => "stop",
    };
}

/// <summary>What the assistant showed in one turn.</summary>
public sealed record AgentTurn(string Content, IReadOnlyList<AgentCall> Calls, string FinishReason);

/// <summary>One tool call as the client saw it.</summary>
public sealed record AgentCall(string Id, string Name, string Arguments);
