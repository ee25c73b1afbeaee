using System.Buffers;
using System.Runtime.InteropServices;
using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// Writes Ollama's <c>/api/chat</c> body straight from M.E.AI's messages and options into a buffer: the bytes OllamaSharp
/// 5.5 sends for the same request (its <c>ChatRequest</c> as its outgoing serializer options write it), without building
/// its request model or serializing it into a string first. The golden tests
/// (<c>tests/fixtures/upstream-requests/</c>) pin the bytes.
/// </summary>
/// <remarks>
/// What it carries, in OllamaSharp's property order: <c>model</c>, <c>messages</c> (the instructions as a system
/// message, then each message with its text, images, reasoning as <c>thinking</c>, tool calls; a tool result as its
/// <c>{"CallId","Result"}</c> wrapper, which <see cref="OllamaCompatibilityChatClient"/> never leaves in), <c>options</c>
/// (the sampling options, <c>num_predict</c> from <see cref="ChatOptions.MaxOutputTokens"/>, and of the additional
/// properties the one the proxy sets, <c>num_ctx</c>), <c>keep_alive</c>, <c>format</c>, <c>stream</c>, <c>think</c>,
/// <c>tools</c> (each as <see cref="OllamaTools"/> wrote it once), and OllamaSharp's empty <c>CustomHeaders</c>.
/// </remarks>
internal static class OllamaChatRequestWriter
{
    /// <summary><see cref="ChatOptions.AdditionalProperties"/> key for Ollama's <c>keep_alive</c> (a duration string).</summary>
    public const string KeepAlive = "keep_alive";

    /// <summary><see cref="ChatOptions.AdditionalProperties"/> key for Ollama's <c>think</c>: a <see cref="bool"/> or a level string.</summary>
    public const string Think = "think";

    /// <summary><see cref="ChatOptions.AdditionalProperties"/> key for Ollama's <c>num_ctx</c> (an <see cref="int"/>).</summary>
    public const string NumCtx = "num_ctx";

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    /// <summary>Writes the body of one <c>/api/chat</c> request to <paramref name="output"/>.</summary>
    /// <param name="output">Where the UTF-8 bytes go.</param>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The request's options (its tools already in the order to send).</param>
    /// <param name="defaultModel">The model when the options name none.</param>
    /// <param name="stream">Whether Ollama streams its answer.</param>
    /// <param name="wire">The outgoing serializer options (OllamaSharp's: relaxed escaping), for the encoder and the rare value that is not JSON already.</param>
    public static void Write(IBufferWriter<byte> output, IEnumerable<ChatMessage> messages, ChatOptions? options, string defaultModel, bool stream, JsonSerializerOptions wire)
    {
        var writer = ThreadJsonWriter.Take(ref _threadWriter, output, new JsonWriterOptions { Encoder = wire.Encoder, SkipValidation = true });
        try
        {
            WriteBody(writer, messages, options, defaultModel, stream, wire);
            writer.Flush();
        }
        finally
        {
            writer.Reset();
        }
    }

    private static void WriteBody(Utf8JsonWriter writer, IEnumerable<ChatMessage> messages, ChatOptions? options, string defaultModel, bool stream, JsonSerializerOptions wire)
    {
        writer.WriteStartObject();
        writer.WriteString("model"u8, string.IsNullOrEmpty(options?.ModelId) ? defaultModel : options.ModelId);

        writer.WriteStartArray("messages"u8);
        if (options?.Instructions is { } instructions && !string.IsNullOrWhiteSpace(instructions))
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "system"u8);
            writer.WriteString("content"u8, instructions);
            writer.WriteEndObject();
        }
        foreach (var message in messages)
        {
            OllamaMessageWriter.Write(writer, message, wire);
        }
        writer.WriteEndArray();

        WriteOptions(writer, options);
        var properties = options?.AdditionalProperties;
        if (properties is not null && properties.TryGetValue(KeepAlive, out var keepAlive) && keepAlive is string keepAliveText)
        {
            writer.WriteString("keep_alive"u8, keepAliveText);
        }
        if (options?.ResponseFormat is ChatResponseFormatJson format)
        {
            writer.WritePropertyName("format"u8);
            if (format.Schema is { } schema)
            {
                schema.WriteTo(writer);
            }
            else
            {
                writer.WriteStringValue("json"u8);
            }
        }
        writer.WriteBoolean("stream"u8, stream);
        if (properties is not null && properties.TryGetValue(Think, out var think))
        {
            switch (think)
            {
                case bool on:
                    writer.WriteBoolean("think"u8, on);
                    break;
                case string level:
                    writer.WriteString("think"u8, level);
                    break;
            }
        }
        if (options?.Tools is { } tools)
        {
            writer.WriteStartArray("tools"u8);
            for (var i = 0; i < tools.Count; i++)
            {
                // OllamaSharp sends nothing but function tools.
                if (tools[i] is AIFunctionDeclaration declaration)
                {
                    writer.WriteRawValue(JsonMarshal.GetRawUtf8Value((JsonElement)OllamaTools.Of(declaration, wire)), skipInputValidation: true);
                }
            }
            writer.WriteEndArray();
        }
        // OllamaSharp's request carries its (empty) custom headers into the body too; the bytes stay the same.
        writer.WriteStartObject("CustomHeaders"u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteOptions(Utf8JsonWriter writer, ChatOptions? options)
    {
        // OllamaSharp's RequestOptions, always present, in its property order, null members left out.
        writer.WriteStartObject("options"u8);
        if (options is not null)
        {
            var properties = options.AdditionalProperties;
            if (properties is not null && properties.TryGetValue(NumCtx, out var numCtx) && numCtx is not null)
            {
                writer.WriteNumber("num_ctx"u8, Convert.ToInt32(numCtx, System.Globalization.CultureInfo.InvariantCulture));
            }
            WriteNumber(writer, "presence_penalty"u8, options.PresencePenalty);
            WriteNumber(writer, "frequency_penalty"u8, options.FrequencyPenalty);
            WriteNumber(writer, "temperature"u8, options.Temperature);
            if (options.Seed is { } seed)
            {
                writer.WriteNumber("seed"u8, unchecked((int)seed));
            }
            if (options.StopSequences is { } stop)
            {
                writer.WriteStartArray("stop"u8);
                foreach (var sequence in stop)
                {
                    writer.WriteStringValue(sequence);
                }
                writer.WriteEndArray();
            }
            if (options.MaxOutputTokens is { } numPredict)
            {
                writer.WriteNumber("num_predict"u8, numPredict);
            }
            if (options.TopK is { } topK)
            {
                writer.WriteNumber("top_k"u8, topK);
            }
            WriteNumber(writer, "top_p"u8, options.TopP);
        }
        writer.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter writer, ReadOnlySpan<byte> name, float? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
