using CursorAspire.Proxy.Wire.ChatCompletions;
using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Wire.Anthropic;

/// <summary>
/// Reads an Anthropic-shaped body on <c>…/chat/completions</c> (what Cursor sends for a model name containing
/// <c>claude</c>) into the same <see cref="ParsedChatRequest"/> as the other two shapes. Pure: a <see cref="JsonElement"/>
/// in, M.E.AI types out; call ids kept byte-exact.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>system</c> (a string or text blocks) becomes the first message, one text per block.</item>
/// <item>Messages are read block by block (<see cref="AnthropicContentReader"/>): <c>tool_use</c> becomes a tool call with
/// its id, each <c>tool_result</c> a tool message (its text, or its text and images; <c>is_error</c> as
/// <see cref="ClientToolFailureException"/>) followed by what else the user message said, <c>image</c> an image, <c>thinking</c> and
/// <c>redacted_thinking</c> the client's copy of the reasoning with its signature or data (<see cref="ReasoningEcho"/>).</item>
/// <item>Cursor's <c>cache_control</c> markers are kept as <see cref="ClientCacheBreakpoints"/> marks; tools
/// (<c>input_schema</c>) and <c>tool_choice</c> objects are read by <see cref="ToolDefinitionReader"/>.</item>
/// <item>OpenAI fields mixed in (<c>stream</c>, <c>stream_options</c>, <c>max_tokens</c>, <c>temperature</c>,
/// <c>reasoning</c>) read as in Chat Completions; Anthropic's own <c>stop_sequences</c>, <c>top_k</c> and <c>thinking</c>
/// where the OpenAI field is absent.</item>
/// </list>
/// </remarks>
public static class AnthropicRequestReader
{
    public static ParsedChatRequest Read(JsonElement root)
    {
        JsonTextValidator.EnsureValidText(root);
        return ReadValidated(root);
    }

    /// <summary>Reads a body whose text <see cref="JsonTextValidator"/> already checked.</summary>
    internal static ParsedChatRequest ReadValidated(JsonElement root)
    {
        if (!root.TryReadArray("messages", string.Empty, out var messagesElement))
        {
            throw new WireFormatException("The request body must have a 'messages' array.", "messages");
        }

        var customToolNames = new HashSet<string>(StringComparer.Ordinal);
        var options = GenerationOptionsReader.Read(root);
        options.Tools = ToolDefinitionReader.Read(root, customToolNames);
        ReadAnthropicOptions(root, options);

        var messages = new List<ChatMessage>(messagesElement.GetArrayLength() + 2);
        if (ReadSystem(root) is { } system)
        {
            messages.Add(system);
        }
        var index = 0;
        foreach (var message in messagesElement.EnumerateArray())
        {
            ReadMessage(message, index++, customToolNames, messages);
        }

        return new ParsedChatRequest
        {
            Model = root.ReadString("model", string.Empty) ?? string.Empty,
            Messages = messages,
            Options = options,
            Shape = RequestShape.Anthropic,
            Stream = root.ReadBool("stream", string.Empty) ?? false,
            IncludeUsage = root.TryReadObject("stream_options", string.Empty, out var so) && (so.ReadBool("include_usage", "stream_options") ?? false),
            CustomToolNames = customToolNames,
            ConversationId = ConversationIds.Read(root),
        };
    }

    /// <summary><c>system</c>: a string, or text blocks (each one text, marked where the client marked it).</summary>
    private static ChatMessage? ReadSystem(JsonElement root)
    {
        if (!root.TryGetProperty("system", out var system))
        {
            return null;
        }
        switch (system.ValueKind)
        {
            case JsonValueKind.String:
                return system.GetString() is { Length: > 0 } prompt ? new ChatMessage(ChatRole.System, prompt) : null;
            case JsonValueKind.Array:
                var contents = new List<AIContent>(system.GetArrayLength());
                var index = 0;
                foreach (var block in system.EnumerateArray())
                {
                    var path = $"system[{index++}]";
                    if (block.ValueKind != JsonValueKind.Object)
                    {
                        throw JsonElementReading.InvalidType(path, "a text block", block);
                    }
                    if ((block.ReadString("type", path) ?? "text") != "text")
                    {
                        continue; // nothing but text belongs in a system prompt
                    }
                    var text = new TextContent(block.ReadString("text", path) ?? string.Empty);
                    contents.Add(ToolDefinitionReader.ReadCacheControl(block, path) ? ClientCacheBreakpoints.Mark(text) : text);
                }
                return contents.Count == 0 ? null : new ChatMessage(ChatRole.System, contents);
            case JsonValueKind.Null:
                return null;
            default:
                throw JsonElementReading.InvalidType("system", "a string or an array of text blocks", system);
        }
    }

    private static void ReadMessage(JsonElement message, int index, HashSet<string> customToolNames, List<ChatMessage> messages)
    {
        var path = $"messages[{index}]";
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw new WireFormatException($"{path} must be an object.", path);
        }
        var role = message.ReadRequiredString("role", path);
        switch (role)
        {
            case "user":
                AnthropicContentReader.ReadUser(message, path, messages);
                break;
            case "assistant" when !message.TryGetProperty("tool_calls", out _):
                messages.Add(AnthropicContentReader.ReadAssistant(message, path));
                break;
            case "assistant" or "system" or "developer" or "tool" or "function":
                // OpenAI messages mixed in (a system message, tool_calls, a tool result): read as Chat Completions reads them.
                messages.Add(ChatCompletionsRequestReader.ReadMessage(message, index, customToolNames));
                break;
            default:
                throw new WireFormatException($"{path}.role '{CallerText.Cap(role)}' is not one of user, assistant (or system, tool).", $"{path}.role");
        }
    }

    /// <summary>Anthropic's own option names, where the OpenAI one was not sent.</summary>
    private static void ReadAnthropicOptions(JsonElement root, ChatOptions options)
    {
        options.StopSequences ??= GenerationOptionsReader.ReadStop(root, "stop_sequences");
        if (root.ReadInt32("top_k", string.Empty) is { } topK)
        {
            options.TopK = topK;
        }
        if (options.Reasoning is null && root.TryReadObject("thinking", string.Empty, out var thinking))
        {
            options.Reasoning = ReadThinking(root, thinking);
        }
    }

    /// <summary>
    /// Anthropic's <c>thinking</c> as an effort: <c>disabled</c> is none; <c>enabled</c> the effort whose thinking budget
    /// holds its <c>budget_tokens</c> (1,024 low, 8,192 medium, 16,384 high, more xhigh: the budgets the proxy sends for
    /// them); <c>adaptive</c> its <c>output_config.effort</c>, else medium.
    /// </summary>
    private static ReasoningOptions? ReadThinking(JsonElement root, JsonElement thinking)
    {
        ReasoningEffort? effort = thinking.ReadString("type", "thinking") switch
        {
            "disabled" => ReasoningEffort.None,
            "enabled" => thinking.ReadInt64("budget_tokens", "thinking") switch
            {
                null or <= 1_024 => ReasoningEffort.Low,
                <= 8_192 => ReasoningEffort.Medium,
                <= 16_384 => ReasoningEffort.High,
                _ => ReasoningEffort.ExtraHigh,
            },
            "adaptive" => (root.TryReadObject("output_config", string.Empty, out var output) ? output.ReadString("effort", "output_config") : null) switch
            {
                "low" => ReasoningEffort.Low,
                "high" => ReasoningEffort.High,
                "xhigh" or "max" => ReasoningEffort.ExtraHigh,
                _ => ReasoningEffort.Medium,
            },
            _ => null,
        };
        return effort is null ? null : new ReasoningOptions { Effort = effort };
    }
}
