using System.Buffers;
using System.Runtime.InteropServices;

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
        // One writer per thread, reset onto each body: writing is synchronous, so nothing else uses it meanwhile.
        var writer = _threadWriter;
        if (writer is null)
        {
            writer = _threadWriter = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = wire.Encoder, SkipValidation = true });
        }
        else
        {
            writer.Reset(output);
        }
        try
        {
            WriteBody(writer, messages, options, defaultModel, stream, wire);
            writer.Flush();
        }
        finally
        {
            writer.Reset(); // lets go of the output
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
            WriteMessage(writer, message, wire);
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

    /// <summary>
    /// One message as OllamaSharp writes it: left out when it has no text, image, tool call or reasoning; its tool
    /// results follow it as messages of their own.
    /// </summary>
    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message, JsonSerializerOptions wire)
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
            writer.WriteStartObject();
            foreach (var (name, value) in arguments)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value, wire);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteNull("id"u8);
        writer.WriteEndObject();
    }

    /// <summary>
    /// An argument value as the serializer writes an <see cref="object"/>: the element the proxy parsed it into
    /// (<c>Wire/ToolArguments</c>) token by token, anything else by its runtime type.
    /// </summary>
    private static void WriteValue(Utf8JsonWriter writer, object? value, JsonSerializerOptions wire)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            default:
                JsonSerializer.Serialize(writer, value, value.GetType(), wire);
                break;
        }
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
