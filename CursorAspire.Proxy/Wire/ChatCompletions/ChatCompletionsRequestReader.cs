using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Wire.ChatCompletions;

/// <summary>
/// Reads an OpenAI Chat Completions body (<c>messages</c>) into a <see cref="ParsedChatRequest"/>.
/// Pure: a <see cref="JsonElement"/> in, M.E.AI types out. Tool-call ids are kept byte-exact.
/// </summary>
public static class ChatCompletionsRequestReader
{
    public static ParsedChatRequest Read(JsonElement root)
    {
        JsonTextValidator.EnsureValidText(root);
        return ReadValidated(root);
    }

    /// <summary>Reads a body whose text <see cref="JsonTextValidator"/> already checked.</summary>
    internal static ParsedChatRequest ReadValidated(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messagesElement) || messagesElement.ValueKind != JsonValueKind.Array)
        {
            throw new WireFormatException("The request body must have a 'messages' array (Chat Completions) or an 'input' (Responses).", "messages");
        }

        // Tools first: a custom tool's earlier calls come back in history with raw text as their arguments.
        var customToolNames = new HashSet<string>(StringComparer.Ordinal);
        var options = GenerationOptionsReader.Read(root);
        options.Tools = ToolDefinitionReader.Read(root, customToolNames);

        var messages = new List<ChatMessage>(messagesElement.GetArrayLength());
        var index = 0;
        foreach (var message in messagesElement.EnumerateArray())
        {
            messages.Add(ReadMessage(message, index++, customToolNames));
        }

        return new ParsedChatRequest
        {
            Model = root.ReadString("model", string.Empty) ?? string.Empty,
            Messages = messages,
            Options = options,
            Shape = RequestShape.ChatCompletions,
            Stream = root.ReadBool("stream", string.Empty) ?? false,
            IncludeUsage = root.TryReadObject("stream_options", string.Empty, out var so) && (so.ReadBool("include_usage", "stream_options") ?? false),
            CustomToolNames = customToolNames,
            ConversationId = ConversationIds.Read(root),
        };
    }

    internal static ChatMessage ReadMessage(JsonElement message, int index, HashSet<string> customToolNames)
    {
        var path = $"messages[{index}]";
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw new WireFormatException($"{path} must be an object.", path);
        }
        var role = message.ReadRequiredString("role", path);

        switch (role)
        {
            case "system":
            case "developer":
                return new ChatMessage(ChatRole.System, MessageContentReader.Read(message, path));
            case "user":
                return new ChatMessage(ChatRole.User, MessageContentReader.Read(message, path)) { AuthorName = message.ReadString("name", path) };
            case "assistant":
                return ReadAssistant(message, path, customToolNames);
            case "tool":
            case "function":
                var callId = message.ReadString("tool_call_id", path) ?? message.ReadString("name", path) ?? string.Empty;
                // The result travels as the exact text Cursor gave: the model must see the file, not a JSON wrapper.
                return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(callId, MessageContentReader.ReadText(message))]);
            default:
                throw new WireFormatException($"{path}.role '{CallerText.Cap(role)}' is not one of system, developer, user, assistant, tool.", $"{path}.role");
        }
    }

    private static ChatMessage ReadAssistant(JsonElement message, string path, HashSet<string> customToolNames)
    {
        // What the proxy showed as reasoning comes back as an echo, never as assistant text (see ReasoningEcho).
        var contents = ReasoningEchoReader.TakeEcho(MessageContentReader.Read(message, path));
        if (message.ReadString("reasoning_content", path) is { Length: > 0 } reasoningContent)
        {
            contents.RemoveAll(c => c is TextReasoningContent);
            contents.Insert(0, ReasoningEcho.Create(reasoningContent));
        }
        if (message.TryReadArray("tool_calls", path, out var toolCalls))
        {
            var index = 0;
            foreach (var call in toolCalls.EnumerateArray())
            {
                var callPath = $"{path}.tool_calls[{index++}]";
                if (call.ValueKind != JsonValueKind.Object)
                {
                    throw JsonElementReading.InvalidType(callPath, "a tool call object", call);
                }
                if (!call.TryReadObject("function", callPath, out var function))
                {
                    continue;
                }
                var functionPath = callPath + ".function";
                var callId = call.ReadString("id", callPath) ?? string.Empty;
                var name = function.ReadRequiredString("name", functionPath);
                var arguments = ReadArguments(function, functionPath);
                contents.Add(customToolNames.Contains(name)
                    ? CustomToolCalls.FromHistoryArguments(callId, name, arguments)
                    : ToolArguments.ToFunctionCall(callId, name, arguments));
            }
        }
        return new ChatMessage(ChatRole.Assistant, contents);
    }

    /// <summary><c>arguments</c> is JSON text; an object (what Ollama-style clients send) is taken as its text.</summary>
    private static string? ReadArguments(JsonElement function, string path)
    {
        if (function.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.Object)
        {
            return arguments.GetRawText();
        }
        return function.ReadString("arguments", path);
    }
}
