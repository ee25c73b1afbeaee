using System.Buffers;
using System.Text.Encodings.Web;

namespace CursorAspire.Proxy.Wire.Json;

/// <summary>JSON pieces shared by the stream and non-stream writers.</summary>
internal static class WireJson
{
    /// <summary>
    /// Relaxed escaping: the default encoder writes quotes in tool arguments as <c>\u0022</c>, which is valid JSON
    /// but not what any OpenAI client expects to see.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly JsonSerializerOptions ArgumentSerializerOptions = new(AIJsonUtilities.DefaultOptions)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes a call's arguments as the JSON text OpenAI puts in <c>function.arguments</c>.</summary>
    /// <param name="writer">Where the string value goes.</param>
    /// <param name="call">The call.</param>
    /// <param name="scratch">Reused buffer for the arguments' JSON.</param>
    /// <param name="argumentsWriter">Reused writer over <paramref name="scratch"/>, created with <see cref="ArgumentsWriterOptions"/>.</param>
    public static void WriteArgumentsString(Utf8JsonWriter writer, FunctionCallContent call, ArrayBufferWriter<byte> scratch, Utf8JsonWriter argumentsWriter)
    {
        scratch.ResetWrittenCount();
        argumentsWriter.Reset(scratch);
        JsonValueWriting.WriteObject(argumentsWriter, call.Arguments ?? EmptyArguments, ArgumentSerializerOptions);
        argumentsWriter.Flush();
        writer.WriteStringValue(scratch.WrittenSpan);
    }

    /// <summary>Options for the writer passed to <see cref="WriteArgumentsString"/> (validated, relaxed escaping).</summary>
    public static readonly JsonWriterOptions ArgumentsWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly Dictionary<string, object?> EmptyArguments = [];

    /// <summary>Writes OpenAI's <c>usage</c> object.</summary>
    public static void WriteUsage(Utf8JsonWriter writer, long promptTokens, long completionTokens, long? cachedTokens, long? reasoningTokens)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", promptTokens);
        writer.WriteNumber("completion_tokens", completionTokens);
        writer.WriteNumber("total_tokens", promptTokens + completionTokens);
        if (cachedTokens is { } cached)
        {
            writer.WriteStartObject("prompt_tokens_details");
            writer.WriteNumber("cached_tokens", cached);
            writer.WriteEndObject();
        }
        if (reasoningTokens is { } reasoning)
        {
            writer.WriteStartObject("completion_tokens_details");
            writer.WriteNumber("reasoning_tokens", reasoning);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// The finish reason the client sees: <c>tool_calls</c> whenever a call was made (Ollama reports <c>stop</c>),
    /// else what the upstream said, else <c>stop</c>.
    /// </summary>
    public static string FinishReason(bool anyToolCall, ChatFinishReason? upstream)
    {
        if (anyToolCall)
        {
            return "tool_calls";
        }
        if (upstream == ChatFinishReason.Length)
        {
            return "length";
        }
        return upstream == ChatFinishReason.ContentFilter ? "content_filter" : "stop";
    }
}
