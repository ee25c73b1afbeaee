using System.Globalization;
using OllamaSharp.Models.Exceptions;

namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// One line of Ollama's <c>/api/chat</c> answer (an NDJSON line, or the whole non-streamed object) read with a
/// <see cref="Utf8JsonReader"/> straight from the response's bytes, and turned into the <see cref="ChatResponseUpdate"/>
/// or <see cref="ChatResponse"/> OllamaSharp 5.5 made of it (its <c>AbstractionMapper</c>): the same contents in the same
/// order, ids, finish reason, usage and durations. One instance serves a whole answer, line after line.
/// </summary>
/// <remarks>
/// Fields it does not know are skipped, as the serializer skipped them. A line carrying Ollama's <c>{"error":"…"}</c>
/// (what it writes when a stream fails after its headers went out) raises OllamaSharp's <see cref="ResponseError"/> with
/// Ollama's words, which <see cref="UpstreamErrors"/> maps; OllamaSharp's chat stream read such a line as an empty chunk.
/// The model name is kept from one line to the next while it stays the same, so a stream allocates it once.
/// </remarks>
internal sealed class OllamaChatLine
{
    private string? _model;
    private ChatRole? _role;

    public string? Model { get; private set; }

    public DateTimeOffset? CreatedAt { get; private set; }

    public string? Content { get; private set; }

    public string? Thinking { get; private set; }

    public ChatRole? Role { get; private set; }

    public List<FunctionCallContent>? ToolCalls { get; private set; }

    public bool HasMessage { get; private set; }

    public bool Done { get; private set; }

    public string? DoneReason { get; private set; }

    public long TotalDuration { get; private set; }

    public long LoadDuration { get; private set; }

    public int PromptEvalCount { get; private set; }

    public long PromptEvalDuration { get; private set; }

    public int EvalCount { get; private set; }

    public long EvalDuration { get; private set; }

    /// <summary>Reads one line (without its newline); false for a blank one.</summary>
    /// <exception cref="JsonException">The line is not the JSON Ollama sends.</exception>
    /// <exception cref="ResponseError">The line is Ollama's error.</exception>
    public bool Read(ReadOnlySpan<byte> line, bool keepCreatedAtText, out string? createdAtText)
    {
        createdAtText = null;
        if (line.Trim(" \t\r"u8).IsEmpty)
        {
            return false;
        }
        Reset();
        var reader = new Utf8JsonReader(line);
        Expect(ref reader, JsonTokenType.StartObject);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                Model = ReadModel(ref reader);
            }
            else if (reader.ValueTextEquals("created_at"u8))
            {
                createdAtText = ReadCreatedAt(ref reader, keepCreatedAtText);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                ReadMessage(ref reader);
            }
            else if (reader.ValueTextEquals("done"u8))
            {
                Done = Next(ref reader) switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False => false,
                    _ => throw Unexpected("done"),
                };
            }
            else if (reader.ValueTextEquals("done_reason"u8))
            {
                DoneReason = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                if (ReadString(ref reader) is { Length: > 0 } error)
                {
                    throw new ResponseError(error);
                }
            }
            else if (reader.ValueTextEquals("total_duration"u8))
            {
                TotalDuration = ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("load_duration"u8))
            {
                LoadDuration = ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_eval_count"u8))
            {
                PromptEvalCount = ReadInt32(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_eval_duration"u8))
            {
                PromptEvalDuration = ReadInt64(ref reader);
            }
            else if (reader.ValueTextEquals("eval_count"u8))
            {
                EvalCount = ReadInt32(ref reader);
            }
            else if (reader.ValueTextEquals("eval_duration"u8))
            {
                EvalDuration = ReadInt64(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }
        return true;
    }

    /// <summary>The update OllamaSharp streamed for this line (<c>AbstractionMapper.ToChatResponseUpdate</c>).</summary>
    public ChatResponseUpdate ToUpdate(string responseId)
    {
        var contents = Contents();
        if (Done)
        {
            contents.Add(new UsageContent(Usage()));
            return new ChatResponseUpdate(Role ?? Unknown, contents)
            {
                AdditionalProperties = Durations(),
                CreatedAt = CreatedAt,
                FinishReason = DoneReason is null ? null : new ChatFinishReason(DoneReason),
                MessageId = responseId,
                ResponseId = responseId,
                ModelId = Model,
            };
        }
        return new ChatResponseUpdate(Role ?? Unknown, contents)
        {
            CreatedAt = CreatedAt,
            MessageId = responseId,
            ResponseId = responseId,
            ModelId = Model,
        };
    }

    /// <summary>
    /// The response OllamaSharp returned for a non-streamed answer (<c>AbstractionMapper.ToChatResponse</c>): this line,
    /// the done one, with the message <paramref name="content"/>, <paramref name="thinking"/> and
    /// <paramref name="toolCalls"/> gathered from every line.
    /// </summary>
    public ChatResponse ToResponse(string? createdAtText, string? content, string? thinking, List<FunctionCallContent>? toolCalls, string requestModel)
    {
        Content = content;
        Thinking = thinking;
        ToolCalls = toolCalls;
        HasMessage = true;
        var id = createdAtText ?? Guid.NewGuid().ToString("N");
        var message = new ChatMessage(Role ?? Unknown, Contents()) { CreatedAt = CreatedAt, MessageId = id };
        return new ChatResponse(message)
        {
            FinishReason = DoneReason switch
            {
                null => null,
                "length" => ChatFinishReason.Length,
                "stop" => ChatFinishReason.Stop,
                _ => new ChatFinishReason(DoneReason),
            },
            AdditionalProperties = Durations(),
            CreatedAt = CreatedAt,
            ModelId = Model ?? requestModel,
            ResponseId = id,
            Usage = Usage(),
        };
    }

    private static readonly ChatRole Unknown = new("unknown");

    /// <summary>Text first (also when there is nothing else, even empty), then reasoning, then the tool calls.</summary>
    private List<AIContent> Contents()
    {
        var calls = ToolCalls?.Count ?? 0;
        var contents = new List<AIContent>(calls + 2);
        if (Content is { Length: > 0 } || (Thinking is not { Length: > 0 } && calls == 0) || !HasMessage)
        {
            contents.Add(new TextContent(HasMessage ? Content : string.Empty));
        }
        if (Thinking is { Length: > 0 } thinking)
        {
            contents.Add(new TextReasoningContent(thinking));
        }
        for (var i = 0; i < calls; i++)
        {
            contents.Add(ToolCalls![i]);
        }
        return contents;
    }

    private UsageDetails Usage() => new()
    {
        InputTokenCount = PromptEvalCount,
        OutputTokenCount = EvalCount,
        TotalTokenCount = PromptEvalCount + EvalCount,
    };

    private AdditionalPropertiesDictionary Durations() => new()
    {
        ["load_duration"] = TimeSpan.FromMilliseconds(LoadDuration / 1000000.0),
        ["total_duration"] = TimeSpan.FromMilliseconds(TotalDuration / 1000000.0),
        ["prompt_eval_duration"] = TimeSpan.FromMilliseconds(PromptEvalDuration / 1000000.0),
        ["eval_duration"] = TimeSpan.FromMilliseconds(EvalDuration / 1000000.0),
    };

    private void Reset()
    {
        Model = null;
        CreatedAt = null;
        Content = null;
        Thinking = null;
        Role = null;
        ToolCalls = null;
        HasMessage = false;
        Done = false;
        DoneReason = null;
        TotalDuration = LoadDuration = PromptEvalDuration = EvalDuration = 0;
        PromptEvalCount = EvalCount = 0;
    }

    private void ReadMessage(ref Utf8JsonReader reader)
    {
        var token = Next(ref reader);
        if (token == JsonTokenType.Null)
        {
            return;
        }
        if (token != JsonTokenType.StartObject)
        {
            throw Unexpected("message");
        }
        HasMessage = true;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("role"u8))
            {
                Role = ReadRole(ref reader);
            }
            else if (reader.ValueTextEquals("content"u8))
            {
                Content = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("thinking"u8))
            {
                Thinking = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                ReadToolCalls(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }
    }

    /// <summary>
    /// Each call as OllamaSharp made it: a fresh 8-character id (Ollama sends none it kept), the name (<c>n/a</c> when
    /// missing), the arguments object's members as <see cref="JsonElement"/> values; a call without a function is dropped.
    /// </summary>
    private void ReadToolCalls(ref Utf8JsonReader reader)
    {
        var token = Next(ref reader);
        if (token == JsonTokenType.Null)
        {
            return;
        }
        if (token != JsonTokenType.StartArray)
        {
            throw Unexpected("tool_calls");
        }
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Unexpected("tool_calls");
            }
            FunctionCallContent? call = null;
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("function"u8))
                {
                    call = ReadFunction(ref reader);
                }
                else
                {
                    Skip(ref reader);
                }
            }
            if (call is not null)
            {
                (ToolCalls ??= []).Add(call);
            }
        }
    }

    private static FunctionCallContent? ReadFunction(ref Utf8JsonReader reader)
    {
        var token = Next(ref reader);
        if (token == JsonTokenType.Null)
        {
            return null;
        }
        if (token != JsonTokenType.StartObject)
        {
            throw Unexpected("function");
        }
        string? name = null;
        Dictionary<string, object?>? arguments = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                name = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                arguments = ReadArguments(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }
        return new FunctionCallContent(NewCallId(), name ?? "n/a", arguments);
    }

    /// <summary>One element for the whole object, its members the values (what deserializing into object values gives, without a document per value).</summary>
    private static Dictionary<string, object?>? ReadArguments(ref Utf8JsonReader reader)
    {
        var token = Next(ref reader);
        if (token == JsonTokenType.Null)
        {
            return null;
        }
        if (token != JsonTokenType.StartObject)
        {
            // The serializer could not read anything but an object into OllamaSharp's dictionary either.
            throw new JsonException($"Ollama sent tool-call arguments that are not a JSON object ({token}).");
        }
        var element = JsonElement.ParseValue(ref reader);
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var member in element.EnumerateObject())
        {
            arguments[member.Name] = member.Value.ValueKind == JsonValueKind.Null ? null : member.Value;
        }
        return arguments;
    }

    /// <summary>OllamaSharp's id: the first 8 characters of a new <see cref="Guid"/>.</summary>
    private static string NewCallId() =>
        string.Create(8, Guid.NewGuid(), static (span, guid) =>
        {
            Span<char> text = stackalloc char[36];
            guid.TryFormat(text, out _);
            text[..8].CopyTo(span);
        });

    private string? ReadModel(ref Utf8JsonReader reader)
    {
        var token = Next(ref reader);
        if (token == JsonTokenType.Null)
        {
            return null;
        }
        if (token != JsonTokenType.String)
        {
            throw Unexpected("model");
        }
        if (_model is null || !reader.ValueTextEquals(_model))
        {
            _model = reader.GetString();
        }
        return _model;
    }

    private ChatRole? ReadRole(ref Utf8JsonReader reader)
    {
        var token = Next(ref reader);
        if (token == JsonTokenType.Null)
        {
            return null;
        }
        if (token != JsonTokenType.String)
        {
            throw Unexpected("role");
        }
        if (reader.ValueTextEquals("assistant"u8))
        {
            return ChatRole.Assistant;
        }
        if (_role is not { } known || !reader.ValueTextEquals(known.Value))
        {
            var value = reader.GetString()!;
            _role = value switch
            {
                "system" => ChatRole.System,
                "user" => ChatRole.User,
                "tool" => ChatRole.Tool,
                _ => new ChatRole(value),
            };
        }
        return _role;
    }

    /// <summary>
    /// <c>created_at</c> parsed as OllamaSharp parsed it (<see cref="DateTimeOffset.TryParse(string, IFormatProvider, DateTimeStyles, out DateTimeOffset)"/>),
    /// from a copy on the stack; its text only when asked for (the non-streamed response's id).
    /// </summary>
    private string? ReadCreatedAt(ref Utf8JsonReader reader, bool keepText)
    {
        var token = Next(ref reader);
        if (token == JsonTokenType.Null)
        {
            return null;
        }
        if (token != JsonTokenType.String)
        {
            throw Unexpected("created_at");
        }
        if (keepText || reader.HasValueSequence || reader.ValueSpan.Length > 64)
        {
            var text = reader.GetString()!;
            CreatedAt = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : null;
            return keepText ? text : null;
        }
        Span<char> chars = stackalloc char[64];
        var length = reader.CopyString(chars);
        CreatedAt = DateTimeOffset.TryParse(chars[..length], CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value : null;
        return null;
    }

    private static string? ReadString(ref Utf8JsonReader reader) => Next(ref reader) switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        _ => throw Unexpected("a text field"),
    };

    private static long ReadInt64(ref Utf8JsonReader reader) =>
        Next(ref reader) == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : throw Unexpected("a duration");

    private static int ReadInt32(ref Utf8JsonReader reader) =>
        Next(ref reader) == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : throw Unexpected("a count");

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("Ollama's answer line ended inside its JSON.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (Next(ref reader) != expected)
        {
            throw new JsonException($"Ollama's answer line is not a JSON object (it starts with {reader.TokenType}).");
        }
    }

    private static void Skip(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        reader.Skip();
    }

    private static JsonException Unexpected(string? field) => new($"Ollama's answer has an unexpected value for '{field}'.");
}
