using System.Buffers;
using System.Text;
using CursorAspire.Proxy.Wire.Json;

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
        var writer = ThreadJsonWriter.Take(ref _threadWriter, body, WireJson.WriterOptions); // relaxed escaping: the SDK's ModelWriter's too
        var messageWriter = _threadMessages ??= new OpenAIMessageWriter();
        try
        {
            WriteBody(writer, messageWriter, messages, options, model, stream, promptCacheKey);
            writer.Flush();
        }
        finally
        {
            writer.Reset();
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
        OpenAIChatOptionsWriter.WriteSampling(writer, options);

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
        OpenAIChatOptionsWriter.Write(writer, options, stream);
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
}
