using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Wire;

/// <summary>
/// Reads an OpenAI Chat Completions body (<c>messages</c>) into a <see cref="ParsedChatRequest"/>.
/// Pure: a <see cref="JsonElement"/> in, M.E.AI types out. Tool-call ids are kept byte-exact.
/// </summary>
public static class ChatCompletionsRequestReader
{
    public static ParsedChatRequest Read(JsonElement root)
    {
        if (!root.TryGetArray("messages", out var messagesElement))
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
            Model = root.GetStringOrNull("model") ?? string.Empty,
            Messages = messages,
            Options = options,
            Shape = RequestShape.ChatCompletions,
            Stream = root.GetBoolOrNull("stream") ?? false,
            IncludeUsage = root.TryGetObject("stream_options", out var so) && (so.GetBoolOrNull("include_usage") ?? false),
            CustomToolNames = customToolNames,
        };
    }

    private static ChatMessage ReadMessage(JsonElement message, int index, HashSet<string> customToolNames)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw new WireFormatException($"messages[{index}] must be an object.", $"messages[{index}]");
        }
        var role = message.GetStringOrNull("role")
            ?? throw new WireFormatException($"messages[{index}] has no 'role'.", $"messages[{index}].role");

        switch (role)
        {
            case "system":
            case "developer":
                return new ChatMessage(ChatRole.System, MessageContentReader.Read(message, index));
            case "user":
                return new ChatMessage(ChatRole.User, MessageContentReader.Read(message, index)) { AuthorName = message.GetStringOrNull("name") };
            case "assistant":
                return ReadAssistant(message, index, customToolNames);
            case "tool":
            case "function":
                var callId = message.GetStringOrNull("tool_call_id") ?? message.GetStringOrNull("name") ?? string.Empty;
                // The result travels as the exact text Cursor gave: the model must see the file, not a JSON wrapper.
                return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(callId, MessageContentReader.ReadText(message))]);
            default:
                throw new WireFormatException($"messages[{index}].role '{role}' is not one of system, developer, user, assistant, tool.", $"messages[{index}].role");
        }
    }

    private static ChatMessage ReadAssistant(JsonElement message, int index, HashSet<string> customToolNames)
    {
        // What the proxy showed as reasoning comes back as an echo, never as assistant text (see ReasoningEcho).
        var contents = ReasoningEchoReader.TakeEcho(MessageContentReader.Read(message, index));
        if (message.GetStringOrNull("reasoning_content") is { Length: > 0 } reasoningContent)
        {
            contents.RemoveAll(c => c is TextReasoningContent);
            contents.Insert(0, ReasoningEcho.Create(reasoningContent));
        }
        if (message.TryGetArray("tool_calls", out var toolCalls))
        {
            foreach (var call in toolCalls.EnumerateArray())
            {
                if (!call.TryGetObject("function", out var function))
                {
                    continue;
                }
                var callId = call.GetStringOrNull("id") ?? string.Empty;
                var name = function.GetStringOrNull("name") ?? string.Empty;
                var arguments = function.GetStringOrNull("arguments");
                contents.Add(customToolNames.Contains(name)
                    ? CustomToolCalls.FromHistoryArguments(callId, name, arguments)
                    : ToolArguments.ToFunctionCall(callId, name, arguments));
            }
        }
        return new ChatMessage(ChatRole.Assistant, contents);
    }
}
