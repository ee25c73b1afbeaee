using System.Globalization;
using CursorAspire.Proxy.Wire.Json;
using OllamaSharp.Models.Exceptions;
using static CursorAspire.Proxy.Providers.Ollama.OllamaLineJson;

namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// One line of Ollama's <c>/api/chat</c> answer (an NDJSON line, or the whole non-streamed object) read with a
/// <see cref="Utf8JsonReader"/> straight from the response's bytes into the fields OllamaSharp 5.5 read, turned into its
/// updates by <see cref="OllamaChatUpdates"/>. One instance serves a whole answer, line after line.
/// </summary>
/// <remarks>
/// Fields it does not know are skipped, as the serializer skipped them. A line carrying Ollama's <c>{"error":"…"}</c>
/// (what it writes when a stream fails after its headers went out) raises OllamaSharp's <see cref="ResponseError"/> with
/// Ollama's words, which <see cref="UpstreamErrors"/> maps; OllamaSharp's chat stream read such a line as an empty chunk.
/// The model name is kept from one line to the next while it stays the same, so a stream allocates it once.
/// </remarks>
internal sealed class OllamaChatLine
{
    private KeptString _model;
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
                ToolCalls = OllamaToolCallReader.Read(ref reader);
            }
            else
            {
                Skip(ref reader);
            }
        }
    }

    private string? ReadModel(ref Utf8JsonReader reader) => NextIsString(ref reader, "model") ? _model.Read(ref reader) : null;

    private ChatRole? ReadRole(ref Utf8JsonReader reader)
    {
        if (!NextIsString(ref reader, "role"))
        {
            return null;
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
        if (!NextIsString(ref reader, "created_at"))
        {
            return null;
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
}
