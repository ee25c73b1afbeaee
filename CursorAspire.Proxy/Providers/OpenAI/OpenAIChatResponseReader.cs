using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using CommunityToolkit.HighPerformance.Buffers;
using CursorAspire.Proxy.Providers.Http;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// Reads an OpenAI-compatible <c>/v1/chat/completions</c> answer, streamed (SSE) or whole (<c>chat.completion</c>), into the
/// updates and the response M.E.AI 10.11's OpenAI client gave over the OpenAI SDK 2.15, straight from the response's bytes.
/// </summary>
/// <remarks>
/// Hand-written because the SDK deserializes every streamed event into a model graph (a <see cref="JsonDocument"/>, the
/// chunk's models with their <c>JsonPatch</c> extension data and propagator delegates, ~3.4 KB a chunk) that M.E.AI then
/// copies into updates; here each event's bytes are read once with a <see cref="Utf8JsonReader"/>
/// (<see cref="OpenAIChatChunk"/>) into the update itself. Events are framed by the BCL's <see cref="SseParser"/> (the one
/// the SDK uses, so comments, keep-alives, <c>event:</c> lines and a stream cut mid-event are handled as they were), which
/// hands each event's data over as a span of its own buffer, no copy. <see cref="ChatResponseUpdate.RawRepresentation"/>
/// stays null: nothing reads the SDK's object any more.
/// </remarks>
internal static class OpenAIChatResponseReader
{
    private const int WholeAnswerBufferSize = 16 * 1024;

    /// <summary>The SSE stream of a streamed /v1/chat/completions answer, as updates.</summary>
    /// <remarks>
    /// <c>data: [DONE]</c> ends it; a stream that ends without it ends as well (as it did through the SDK). An event
    /// carrying an <c>error</c> object throws <see cref="UpstreamStreamException"/> (the SDK read it as an empty chunk).
    /// </remarks>
    public static async IAsyncEnumerable<ChatResponseUpdate> ReadStreamAsync(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var answer = new OpenAIStreamedAnswer();
        // The event type is not looked at: the SDK read every event's data as a chunk, whatever its type.
        var parser = SseParser.Create(body, (_, data) => answer.OnEvent(data));
        await foreach (var item in parser.EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item.Data is not { } update)
            {
                break; // [DONE]
            }
            yield return update;
        }
        if (answer.Finish() is { } last)
        {
            yield return last;
        }
    }

    /// <summary>A whole chat.completion answer.</summary>
    /// <remarks>
    /// Read into a pooled buffer as bytes (never a string) and parsed there. An answer that is an <c>error</c> object
    /// throws <see cref="UpstreamStreamException"/>; one without a choice, <see cref="JsonException"/>.
    /// </remarks>
    public static async Task<ChatResponse> ReadWholeAsync(Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new ArrayPoolBufferWriter<byte>(WholeAnswerBufferSize);
        int read;
        while ((read = await body.ReadAsync(buffer.GetMemory(WholeAnswerBufferSize / 4), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Advance(read);
        }
        return ToResponse(buffer.WrittenSpan);
    }

    /// <summary>The response M.E.AI made of a <c>chat.completion</c>: text, reasoning, tool calls, then a refusal.</summary>
    private static ChatResponse ToResponse(ReadOnlySpan<byte> json)
    {
        var chunk = new OpenAIChatChunk();
        var toolCalls = new OpenAIToolCallAccumulator(whole: true);
        chunk.Read(json, toolCalls, whole: true);
        if (!chunk.HasChoice)
        {
            // The SDK failed here too (its choices[0] out of range); this says what is wrong.
            throw new JsonException("The upstream's answer has no choices.");
        }
        var contents = new List<AIContent>();
        chunk.AddTextAndReasoningTo(contents);
        toolCalls.AddTo(contents);
        if (chunk.Refusal is { } refusal)
        {
            contents.Add(new ErrorContent(refusal) { ErrorCode = "Refusal" });
        }
        var message = new ChatMessage(chunk.Role ?? ChatRole.Assistant, contents) { CreatedAt = chunk.CreatedAt, MessageId = chunk.Id };
        return new ChatResponse(message)
        {
            CreatedAt = chunk.CreatedAt,
            FinishReason = chunk.FinishReason,
            ModelId = chunk.Model,
            ResponseId = chunk.Id,
            Usage = chunk.Usage,
        };
    }
}
