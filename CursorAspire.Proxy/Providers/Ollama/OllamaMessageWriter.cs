using System.Buffers;
using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// One message of Ollama's <c>/api/chat</c> body (<see cref="OllamaChatRequestWriter"/>) as OllamaSharp 5.5 writes it:
/// <c>role</c>, <c>content</c>, <c>images</c>, <c>thinking</c>, <c>tool_calls</c>.
/// </summary>
internal static class OllamaMessageWriter
{
    /// <summary>
    /// One message as OllamaSharp writes it: left out when it has no text, image, tool call or reasoning; its tool
    /// results follow it as messages of their own.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, ChatMessage message, JsonSerializerOptions wire)
    {
        var contents = message.Contents;
        bool hasImage = false, hasCall = false, hasReasoning = false, hasResult = false;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case DataContent data when data.HasTopLevelMediaType("image"):
                    hasImage = true;
                    break;
                case FunctionCallContent:
                    hasCall = true;
                    break;
                case TextReasoningContent { Text.Length: > 0 }:
                    hasReasoning = true;
                    break;
                case FunctionResultContent:
                    hasResult = true;
                    break;
            }
        }
        var text = message.Text;
        if (text.Length > 0 || hasImage || hasCall || hasReasoning)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, message.Role.Value);
            writer.WriteString("content"u8, text);
            if (hasImage)
            {
                writer.WriteStartArray("images"u8);
                for (var i = 0; i < contents.Count; i++)
                {
                    if (contents[i] is DataContent data && data.HasTopLevelMediaType("image"))
                    {
                        writer.WriteStringValue(data.Base64Data.Span);
                    }
                }
                writer.WriteEndArray();
            }
            if (hasReasoning)
            {
                writer.WriteString("thinking"u8, Reasoning(contents));
            }
            if (hasCall)
            {
                writer.WriteStartArray("tool_calls"u8);
                for (var i = 0; i < contents.Count; i++)
                {
                    if (contents[i] is FunctionCallContent call)
                    {
                        WriteToolCall(writer, call, wire);
                    }
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        if (hasResult)
        {
            for (var i = 0; i < contents.Count; i++)
            {
                if (contents[i] is FunctionResultContent result)
                {
                    writer.WriteStartObject();
                    writer.WriteString("role"u8, "tool"u8);
                    writer.WriteString("content"u8, ResultWrapper(result, wire));
                    writer.WriteEndObject();
                }
            }
        }
    }

    /// <summary>The message's reasoning texts joined (one, as it nearly always is, without a copy).</summary>
    private static string Reasoning(IList<AIContent> contents)
    {
        string? single = null;
        System.Text.StringBuilder? joined = null;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextReasoningContent { Text: { Length: > 0 } reasoning })
            {
                if (single is null)
                {
                    single = reasoning;
                }
                else
                {
                    (joined ??= new System.Text.StringBuilder(single)).Append(reasoning);
                }
            }
        }
        return joined?.ToString() ?? single ?? string.Empty;
    }

    /// <summary><c>{"function":{"index":null,"name","arguments"},"id":null}</c>: OllamaSharp sends neither an index nor an id.</summary>
    private static void WriteToolCall(Utf8JsonWriter writer, FunctionCallContent call, JsonSerializerOptions wire)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("function"u8);
        writer.WriteNull("index"u8);
        writer.WriteString("name"u8, call.Name);
        writer.WritePropertyName("arguments"u8);
        if (call.Arguments is not { } arguments)
        {
            writer.WriteNullValue();
        }
        else
        {
            JsonValueWriting.WriteObject(writer, arguments, wire);
        }
        writer.WriteEndObject();
        writer.WriteNull("id"u8);
        writer.WriteEndObject();
    }

    /// <summary>OllamaSharp's wrapper of a tool result, <c>{"CallId":…,"Result":…}</c>, as text.</summary>
    private static string ResultWrapper(FunctionResultContent result, JsonSerializerOptions wire)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var inner = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = wire.Encoder, SkipValidation = true }))
        {
            inner.WriteStartObject();
            inner.WriteString("CallId"u8, result.CallId);
            inner.WritePropertyName("Result"u8);
            JsonSerializer.SerializeToElement(result.Result, wire).WriteTo(inner);
            inner.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
