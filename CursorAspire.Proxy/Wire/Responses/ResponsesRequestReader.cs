using System.Text;
using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Wire.Responses;

/// <summary>
/// Reads a Responses-shaped body (<c>input</c>) into a <see cref="ParsedChatRequest"/>: what Cursor's agent mode sends to
/// <c>…/chat/completions</c>, and what <c>POST …/responses</c> receives. Pure: a <see cref="JsonElement"/> in, M.E.AI types out.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>instructions</c> becomes the first system message (marked with <see cref="InstructionsProperty"/>, because a
/// continued response does not inherit the previous response's instructions); <c>system</c>/<c>developer</c> items
/// follow it as one system message, in order, so templates that want a single leading system prompt get one.</item>
/// <item>Consecutive <c>function_call</c>/<c>custom_tool_call</c> items form one assistant turn (parallel calls), with an
/// assistant text message or reasoning just before them merged into that turn; each output becomes one tool message.
/// Call ids are kept byte-exact.</item>
/// <item>Unknown item types (hosted tool calls, item references) are skipped, never a 400: Cursor adds fields without notice.</item>
/// </list>
/// </remarks>
public static class ResponsesRequestReader
{
    /// <summary>
    /// <see cref="ChatMessage.AdditionalProperties"/> key on the system message that came from <c>instructions</c>.
    /// Such a message is not stored with a conversation and stays first when a stored conversation is prepended.
    /// </summary>
    public const string InstructionsProperty = "cursoraspire.instructions";

    public static ParsedChatRequest Read(JsonElement root)
    {
        JsonTextValidator.EnsureValidText(root);
        return ReadValidated(root);
    }

    /// <summary>Reads a body whose text <see cref="JsonTextValidator"/> already checked.</summary>
    internal static ParsedChatRequest ReadValidated(JsonElement root)
    {
        var customToolNames = new HashSet<string>(StringComparer.Ordinal);
        var options = GenerationOptionsReader.Read(root);
        options.Tools = ToolDefinitionReader.Read(root, customToolNames);

        var messages = new List<ChatMessage>();
        if (root.ReadString("instructions", string.Empty) is { Length: > 0 } instructions)
        {
            messages.Add(new ChatMessage(ChatRole.System, instructions)
            {
                AdditionalProperties = new AdditionalPropertiesDictionary { [InstructionsProperty] = true },
            });
        }
        ReadInput(root, customToolNames, messages);
        var previousResponseId = root.ReadString("previous_response_id", string.Empty) is { Length: > 0 } previous ? previous : null;
        if (messages.Count == 0 && previousResponseId is null)
        {
            // Nothing to continue either: every provider client refuses an empty conversation.
            throw new WireFormatException("'input' is empty: send at least one message.", "input");
        }

        return new ParsedChatRequest
        {
            Model = root.ReadString("model", string.Empty) ?? string.Empty,
            Messages = messages,
            Options = options,
            Shape = RequestShape.Responses,
            Stream = root.ReadBool("stream", string.Empty) ?? false,
            IncludeUsage = root.TryReadObject("stream_options", string.Empty, out var so) && (so.ReadBool("include_usage", "stream_options") ?? false),
            PreviousResponseId = previousResponseId,
            Store = root.ReadBool("store", string.Empty) ?? true,
            CustomToolNames = customToolNames,
            ConversationId = ConversationIds.Read(root),
        };
    }

    /// <summary>Whether a message is the system message made from <c>instructions</c>.</summary>
    public static bool IsInstructions(ChatMessage message) =>
        message.AdditionalProperties?.ContainsKey(InstructionsProperty) == true;

    private static void ReadInput(JsonElement root, HashSet<string> customToolNames, List<ChatMessage> messages)
    {
        if (!root.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
        {
            return;
        }
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                messages.Add(new ChatMessage(ChatRole.User, input.GetString()));
                return;
            case JsonValueKind.Array:
                var turns = new TurnBuilder(customToolNames);
                var index = 0;
                foreach (var item in input.EnumerateArray())
                {
                    turns.Add(item, index++);
                }
                turns.CopyTo(messages);
                return;
            default:
                throw new WireFormatException("'input' must be a string or an array of input items.", "input");
        }
    }

    /// <summary>Groups input items into chat turns.</summary>
    private sealed class TurnBuilder(HashSet<string> customToolNames)
    {
        private readonly StringBuilder _system = new();
        private readonly List<ChatMessage> _conversation = [];
        private List<AIContent>? _assistant;   // the assistant turn being built
        private bool _assistantHasCalls;

        public void Add(JsonElement item, int index)
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new WireFormatException($"input[{index}] must be an object.", $"input[{index}]");
            }
            var path = $"input[{index}]";
            var type = item.ReadString("type", path);
            if (type is null)
            {
                // Easy input messages: {role, content} without "type".
                type = item.TryGetProperty("role", out _)
                    ? "message"
                    : throw new WireFormatException($"input[{index}] has neither a 'type' nor a 'role'.", $"input[{index}].type");
            }
            switch (type)
            {
                case "message":
                    AddMessage(item, index);
                    break;
                case "function_call":
                    var name = item.ReadRequiredString("name", path);
                    var callId = RequiredString(item, "call_id", index);
                    var arguments = item.TryGetProperty("arguments", out var raw) && raw.ValueKind == JsonValueKind.Object
                        ? raw.GetRawText() // an object is taken as its JSON text, as in Chat Completions history
                        : item.ReadString("arguments", path);
                    AddCall(customToolNames.Contains(name)
                        ? CustomToolCalls.FromHistoryArguments(callId, name, arguments)
                        : ToolArguments.ToFunctionCall(callId, name, arguments));
                    break;
                case "custom_tool_call":
                    AddCall(CustomToolCalls.ToFunctionCall(
                        RequiredString(item, "call_id", index), item.ReadRequiredString("name", path), item.ReadString("input", path)));
                    break;
                case "function_call_output":
                case "custom_tool_call_output":
                    AddResult(RequiredString(item, "call_id", index), MessageContentReader.ReadText(item, "output"));
                    break;
                case "reasoning":
                    AddReasoning(item, path);
                    break;
                default:
                    // item_reference, hosted tool calls (web_search_call…): nothing a self-hosted model can use.
                    break;
            }
        }

        public void CopyTo(List<ChatMessage> messages)
        {
            FlushAssistant();
            if (_system.Length > 0)
            {
                messages.Add(new ChatMessage(ChatRole.System, _system.ToString()));
            }
            messages.AddRange(_conversation);
        }

        private void AddMessage(JsonElement item, int index)
        {
            var role = item.ReadString("role", $"input[{index}]")
                ?? throw new WireFormatException($"input[{index}] is a message without a 'role'.", $"input[{index}].role");
            if (item.TryGetProperty("content", out var content) &&
                content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Null))
            {
                throw new WireFormatException($"input[{index}].content must be a string or an array of content parts.", $"input[{index}].content");
            }
            switch (role)
            {
                case "system":
                case "developer":
                    var text = MessageContentReader.ReadText(item);
                    if (text.Length > 0)
                    {
                        _system.Append(_system.Length > 0 ? "\n\n" : string.Empty).Append(text);
                    }
                    break;
                case "user":
                    FlushAssistant();
                    _conversation.Add(new ChatMessage(ChatRole.User, MessageContentReader.Read(item, $"input[{index}]")));
                    break;
                case "assistant":
                    // Text after calls starts a new turn; text before calls (a preamble) joins their turn.
                    if (_assistantHasCalls)
                    {
                        FlushAssistant();
                    }
                    // What the proxy showed as reasoning comes back as an echo, never as assistant text (see ReasoningEcho).
                    var contents = ReasoningEchoReader.TakeEcho(MessageContentReader.Read(item, $"input[{index}]"));
                    (_assistant ??= []).AddRange(contents);
                    break;
                default:
                    throw new WireFormatException($"input[{index}].role '{role}' is not one of system, developer, user, assistant.", $"input[{index}].role");
            }
        }

        private void AddCall(FunctionCallContent call)
        {
            (_assistant ??= []).Add(call);
            _assistantHasCalls = true;
        }

        private void AddResult(string callId, string output)
        {
            FlushAssistant();
            // The result travels as the exact text the client gave: the model must see the file, not a JSON wrapper.
            _conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(callId, output)]));
        }

        private void AddReasoning(JsonElement item, string path)
        {
            var text = new StringBuilder();
            foreach (var member in (ReadOnlySpan<string>)["summary", "content"])
            {
                if (item.TryReadArray(member, path, out var parts))
                {
                    var index = 0;
                    foreach (var part in parts.EnumerateArray())
                    {
                        var partPath = $"{path}.{member}[{index++}]";
                        if (part.ValueKind != JsonValueKind.Object)
                        {
                            throw JsonElementReading.InvalidType(partPath, "a reasoning part object", part);
                        }
                        if (part.ReadString("text", partPath) is { Length: > 0 } partText)
                        {
                            text.Append(text.Length > 0 ? "\n" : string.Empty).Append(partText);
                        }
                    }
                }
            }
            if (text.Length == 0)
            {
                // Only encrypted_content: opaque to any model but OpenAI's own.
                return;
            }
            if (_assistantHasCalls)
            {
                FlushAssistant();
            }
            // A client's copy of reasoning: the model's own (signed) reasoning is restored by the reasoning stage.
            (_assistant ??= []).Add(ReasoningEcho.Create(text.ToString()));
        }

        private void FlushAssistant()
        {
            if (_assistant is { } contents && contents.Exists(c => c is not TextReasoningContent))
            {
                // A turn of reasoning alone is dropped: upstreams reject an assistant message with no content.
                _conversation.Add(new ChatMessage(ChatRole.Assistant, contents));
            }
            _assistant = null;
            _assistantHasCalls = false;
        }

        private static string RequiredString(JsonElement item, string member, int index) =>
            item.ReadString(member, $"input[{index}]")
            ?? throw new WireFormatException($"input[{index}] ({item.GetStringOrNull("type")}) has no '{member}'.", $"input[{index}].{member}");
    }
}
