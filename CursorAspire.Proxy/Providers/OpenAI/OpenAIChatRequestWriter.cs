using System.Buffers;
using System.ClientModel.Primitives;
using System.Text;
using CursorAspire.Proxy.Wire.Json;
using OpenAIChat = OpenAI.Chat;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// Writes the <c>/v1/chat/completions</c> body straight from M.E.AI's messages and options into a buffer: the bytes
/// M.E.AI 10.11's OpenAI client and the OpenAI SDK 2.15 send for the same request, with what
/// <see cref="OpenAICompatibilityChatClient"/> adds (<c>prompt_cache_key</c>, <c>reasoning_content</c>), without building
/// the SDK's request model (a graph of messages, parts, tool calls and JSON patches per request) or writing it through
/// the SDK's own buffers first. The differential tests send both to the OpenAI stand-in and compare the bytes.
/// </summary>
/// <remarks>
/// <para>The members in the SDK's order (<c>ChatCompletionOptions</c>): <c>temperature</c>, <c>top_p</c>,
/// <c>messages</c>, <c>model</c>, <c>reasoning_effort</c>, <c>max_completion_tokens</c>, <c>frequency_penalty</c>,
/// <c>presence_penalty</c>, <c>web_search_options</c>, <c>response_format</c>, <c>stream</c>, <c>stop</c>, <c>seed</c>,
/// <c>stream_options</c>, <c>tools</c>, <c>tool_choice</c>, <c>parallel_tool_calls</c>; then what went in as JSON
/// patches, in the order they were set: <c>prompt_cache_key</c>, and the options' model (M.E.AI patches
/// <see cref="ChatOptions.ModelId"/> in, so it comes last instead of after the messages).</para>
/// <para>What M.E.AI leaves out, this leaves out: <see cref="ChatOptions.TopK"/>, additional properties, a tool mode with
/// no function tool. <see cref="ChatOptions.RawRepresentationFactory"/> is not consulted (the proxy sets none): the body is
/// M.E.AI's conversion of the options alone. The escaping is the SDK's writer's: <see cref="System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>.</para>
/// </remarks>
internal static class OpenAIChatRequestWriter
{
    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    [ThreadStatic]
    private static OpenAIMessageWriter? _threadMessages;

    /// <summary>Writes the /v1/chat/completions body for these messages and options.</summary>
    /// <param name="body">Where the UTF-8 bytes go.</param>
    /// <param name="messages">The conversation (the compatibility client's adaptations already made).</param>
    /// <param name="options">The request's options.</param>
    /// <param name="model">The route's model, sent when the options name none.</param>
    /// <param name="stream">Whether the upstream streams its answer (with usage in its last chunk).</param>
    /// <param name="promptCacheKey">The turn's <c>prompt_cache_key</c>, or null to send none.</param>
    /// <exception cref="ArgumentException">No message M.E.AI would send (the SDK refuses an empty conversation).</exception>
    public static void Write(IBufferWriter<byte> body, IEnumerable<ChatMessage> messages, ChatOptions? options, string model, bool stream, string? promptCacheKey)
    {
        // One writer per thread, reset onto each body: writing is synchronous, so nothing else uses it meanwhile.
        var writer = _threadWriter;
        if (writer is null)
        {
            writer = _threadWriter = new Utf8JsonWriter(body, new JsonWriterOptions
            {
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // the SDK's ModelWriter's
                SkipValidation = true,
            });
        }
        else
        {
            writer.Reset(body);
        }
        var messageWriter = _threadMessages ??= new OpenAIMessageWriter();
        try
        {
            WriteBody(writer, messageWriter, messages, options, model, stream, promptCacheKey);
            writer.Flush();
        }
        finally
        {
            writer.Reset(); // a body that failed half-way leaves no state behind (the writer points at it until the next Write)
            if (messageWriter.Oversized)
            {
                _threadMessages = null;
                messageWriter.Dispose();
            }
        }
    }

    private static void WriteBody(Utf8JsonWriter writer, OpenAIMessageWriter messageWriter, IEnumerable<ChatMessage> messages, ChatOptions? options,
        string model, bool stream, string? promptCacheKey)
    {
        writer.WriteStartObject();
        WriteNumber(writer, "temperature"u8, options?.Temperature);
        WriteNumber(writer, "top_p"u8, options?.TopP);

        writer.WriteStartArray("messages"u8);
        var written = 0;
        if (options?.Instructions is { } instructions && !string.IsNullOrWhiteSpace(instructions))
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "system"u8);
            writer.WriteString("content"u8, instructions);
            writer.WriteEndObject();
            written++;
        }
        if (messages is IList<ChatMessage> list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                written += messageWriter.Write(writer, list[i]);
            }
        }
        else
        {
            foreach (var message in messages)
            {
                written += messageWriter.Write(writer, message);
            }
        }
        if (written == 0)
        {
            throw new ArgumentException("Value cannot be an empty collection.", nameof(messages)); // the SDK's refusal
        }
        writer.WriteEndArray();

        var modelId = options?.ModelId;
        if (modelId is null)
        {
            writer.WriteString("model"u8, model);
        }
        if (options is not null)
        {
            WriteOptions(writer, options, stream);
        }
        else if (stream)
        {
            writer.WriteBoolean("stream"u8, true);
            WriteStreamOptions(writer);
        }
        // The compatibility client's patch, then M.E.AI's: JSON patches go last, in the order they were set.
        if (promptCacheKey is not null)
        {
            WritePatchedString(writer, "prompt_cache_key"u8, promptCacheKey);
        }
        if (modelId is not null)
        {
            WritePatchedString(writer, "model"u8, modelId);
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// A string as a JSON patch holds it: its UTF-8 bytes (a lone surrogate already U+FFFD, sent as that character,
    /// where a string written directly sends the escape <c>\uFFFD</c>).
    /// </summary>
    private static bool HasSurrogate(string value)
    {
        foreach (var c in value)
        {
            if (char.IsSurrogate(c))
            {
                return true;
            }
        }
        return false;
    }

    private static void WritePatchedString(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string value)
    {
        if (HasSurrogate(value))
        {
            writer.WriteString(name, Encoding.UTF8.GetBytes(value)); // rare: non-BMP or broken text in a model name or key
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptions(Utf8JsonWriter writer, ChatOptions options, bool stream)
    {
        if (ReasoningEffort(options.Reasoning?.Effort) is { } effort)
        {
            writer.WriteString("reasoning_effort"u8, effort);
        }
        if (options.MaxOutputTokens is { } maxOutputTokens)
        {
            writer.WriteNumber("max_completion_tokens"u8, maxOutputTokens);
        }
        WriteNumber(writer, "frequency_penalty"u8, options.FrequencyPenalty);
        WriteNumber(writer, "presence_penalty"u8, options.PresencePenalty);

        var tools = options.Tools;
        var functions = 0;
        var webSearch = false;
        if (tools is not null)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                functions += tools[i] is AIFunctionDeclaration ? 1 : 0;
                webSearch |= tools[i] is HostedWebSearchTool;
            }
        }
        if (webSearch)
        {
            writer.WriteStartObject("web_search_options"u8);
            writer.WriteEndObject();
        }
        WriteResponseFormat(writer, options);
        if (stream)
        {
            writer.WriteBoolean("stream"u8, true);
        }
        if (options.StopSequences is { Count: > 0 } stop)
        {
            writer.WriteStartArray("stop"u8);
            for (var i = 0; i < stop.Count; i++)
            {
                writer.WriteStringValue(stop[i]);
            }
            writer.WriteEndArray();
        }
        if (options.Seed is { } seed)
        {
            writer.WriteNumber("seed"u8, seed);
        }
        if (stream)
        {
            WriteStreamOptions(writer);
        }
        if (functions > 0)
        {
            WriteTools(writer, tools!, options);
        }
    }

    private static void WriteStreamOptions(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("stream_options"u8);
        writer.WriteBoolean("include_usage"u8, true);
        writer.WriteEndObject();
    }

    /// <summary><c>tools</c> (each function as kept once), <c>tool_choice</c> from the tool mode, <c>parallel_tool_calls</c> when set.</summary>
    private static void WriteTools(Utf8JsonWriter writer, IList<AITool> tools, ChatOptions options)
    {
        var strict = OpenAIToolDeclarations.StrictOf(options.AdditionalProperties);
        writer.WriteStartArray("tools"u8);
        for (var i = 0; i < tools.Count; i++)
        {
            if (tools[i] is AIFunctionDeclaration declaration)
            {
                writer.WriteRawValue(OpenAIToolDeclarations.Of(declaration, strict), skipInputValidation: true);
            }
        }
        writer.WriteEndArray();
        switch (options.ToolMode)
        {
            case NoneChatToolMode:
                writer.WriteString("tool_choice"u8, "none"u8);
                break;
            case AutoChatToolMode or null:
                writer.WriteString("tool_choice"u8, "auto"u8);
                break;
            case RequiredChatToolMode { RequiredFunctionName: null }:
                writer.WriteString("tool_choice"u8, "required"u8);
                break;
            case RequiredChatToolMode { RequiredFunctionName: { } name }:
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, name);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
        }
        if (options.AllowMultipleToolCalls is { } parallel)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, parallel);
        }
    }

    /// <summary>
    /// Text and JSON as their one-member objects; a JSON schema through M.E.AI's own conversion and the SDK's writer (its
    /// strict transform of the schema is M.E.AI's to apply; a rare option, the cold path).
    /// </summary>
    private static void WriteResponseFormat(Utf8JsonWriter writer, ChatOptions options)
    {
        switch (options.ResponseFormat)
        {
            case ChatResponseFormatText:
                writer.WriteStartObject("response_format"u8);
                writer.WriteString("type"u8, "text"u8);
                writer.WriteEndObject();
                break;
            case ChatResponseFormatJson { Schema: null }:
                writer.WriteStartObject("response_format"u8);
                writer.WriteString("type"u8, "json_object"u8);
                writer.WriteEndObject();
                break;
            case ChatResponseFormatJson format:
#pragma warning disable OPENAI001 // M.E.AI's own conversion, evaluation-only in name: it is what its client sends.
                var converted = OpenAIChat.MicrosoftExtensionsAIChatExtensions.AsOpenAIChatResponseFormat(format, options)!;
#pragma warning restore OPENAI001
                writer.WritePropertyName("response_format"u8);
                writer.WriteRawValue(JsonWhitespace.Strip(ModelReaderWriter.Write(converted).ToMemory().Span), skipInputValidation: true);
                break;
        }
    }

    /// <summary>M.E.AI's effort levels by their wire names; an effort it has no level for is left out.</summary>
    private static string? ReasoningEffort(ReasoningEffort? effort) => effort switch
    {
        Microsoft.Extensions.AI.ReasoningEffort.None => "none",
        Microsoft.Extensions.AI.ReasoningEffort.Low => "low",
        Microsoft.Extensions.AI.ReasoningEffort.Medium => "medium",
        Microsoft.Extensions.AI.ReasoningEffort.High => "high",
        Microsoft.Extensions.AI.ReasoningEffort.ExtraHigh => "xhigh",
        _ => null,
    };

    private static void WriteNumber(Utf8JsonWriter writer, ReadOnlySpan<byte> name, float? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
