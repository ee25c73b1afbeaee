using System.Text.Json;
using System.Text;

namespace CursorAspire.Check.Http;

/// <summary>
/// A Chat Completions event stream as Cursor reads it: the text, the tool calls, the finish, the usage, the
/// <c>[DONE]</c>, and when the first token (text, reasoning or a tool call) arrived.
/// </summary>
internal sealed class ChatStream
{
    private readonly Dictionary<int, StreamedToolCall> _toolCalls = [];
    private readonly StringBuilder _text = new();

    /// <summary>Data events that were JSON chunks.</summary>
    public int Chunks { get; private set; }

    /// <summary>From sending the request to the first text, reasoning or tool-call delta.</summary>
    public TimeSpan? FirstToken { get; private set; }

    /// <summary>The text (content) deltas joined.</summary>
    public string Text => _text.ToString();

    /// <summary>The tool calls, by index.</summary>
    public IReadOnlyList<StreamedToolCall> ToolCalls => [.. _toolCalls.Values.OrderBy(c => c.Index)];

    /// <summary>The last non-null <c>finish_reason</c>.</summary>
    public string? FinishReason { get; private set; }

    /// <summary><c>usage.prompt_tokens</c>, when a usage chunk came.</summary>
    public long? PromptTokens { get; private set; }

    /// <summary>Whether <c>data: [DONE]</c> ended the stream.</summary>
    public bool Done { get; private set; }

    /// <summary>An error event's message (<c>data: {"error":…}</c>), if one came.</summary>
    public string? Error { get; private set; }

    /// <summary>The first data event that was not JSON, if any.</summary>
    public string? Malformed { get; private set; }

    /// <summary>Reads the whole stream of <paramref name="exchange"/> under its deadline.</summary>
    public static Task<ChatStream> ReadAsync(CheckExchange exchange, TimeProvider time) => exchange.WithinDeadlineAsync(async token =>
    {
        var stream = new ChatStream();
        using var reader = new StreamReader(await exchange.Response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), Encoding.UTF8);
        while (await reader.ReadLineAsync(token).ConfigureAwait(false) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line["data:".Length..].Trim();
            if (data == "[DONE]")
            {
                stream.Done = true;
                continue;
            }

            stream.Read(data, time.GetElapsedTime(exchange.SentAt));
        }

        return stream;
    });

    private void Read(string data, TimeSpan sinceSent)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data);
        }
        catch (JsonException)
        {
            Malformed ??= data.Length > 200 ? data[..200] + "…" : data;
            return;
        }

        using (document)
        {
            var chunk = document.RootElement;
            if (chunk.ValueKind != JsonValueKind.Object)
            {
                Malformed ??= data;
                return;
            }

            Chunks++;
            if (chunk.TryGetProperty("error", out var error))
            {
                Error ??= error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) ? m.ToString() : error.ToString();
            }

            if (chunk.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
                && usage.TryGetProperty("prompt_tokens", out var prompt) && prompt.TryGetInt64(out var promptTokens))
            {
                PromptTokens = promptTokens;
            }

            if (chunk.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    ReadChoice(choice, sinceSent);
                }
            }
        }
    }

    private void ReadChoice(JsonElement choice, TimeSpan sinceSent)
    {
        if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
        {
            FinishReason = finish.GetString();
        }

        if (!choice.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var token = false;
        if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
        {
            _text.Append(text);
            token = true;
        }

        if (delta.TryGetProperty("reasoning_content", out var reasoning) && reasoning.ValueKind == JsonValueKind.String && reasoning.GetString() is { Length: > 0 })
        {
            token = true;
        }

        if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            var position = 0;
            foreach (var call in calls.EnumerateArray())
            {
                var index = call.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : position;
                position++;
                if (!_toolCalls.TryGetValue(index, out var toolCall))
                {
                    _toolCalls[index] = toolCall = new StreamedToolCall(index);
                }

                if (call.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    toolCall.Id ??= id.GetString();
                }

                if (call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
                {
                    if (function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                    {
                        toolCall.Name ??= name.GetString();
                    }

                    if (function.TryGetProperty("arguments", out var arguments) && arguments.ValueKind == JsonValueKind.String)
                    {
                        toolCall.Arguments.Append(arguments.GetString());
                    }
                }

                token = true;
            }
        }

        if (token)
        {
            FirstToken ??= sinceSent;
        }
    }
}
