using System.Buffers;
using CursorAspire.Proxy.Tokens;
using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Wire.ChatCompletions;

/// <summary>
/// Writes a complete (non-streamed) <c>chat.completion</c> object: one choice with the assistant message, its tool
/// calls, the finish reason, and usage (estimated when the upstream gave none). Used by Cursor's Verify call.
/// </summary>
/// <remarks>
/// Straight from the answer's contents into the output: the message's text and reasoning are written as string
/// segments (<see cref="Utf8JsonWriter.WriteStringValueSegment(ReadOnlySpan{char}, bool)"/>), not joined into strings
/// first, and the JSON writer is one per thread, reset onto each body (writing is synchronous).
/// </remarks>
public static class ChatCompletionResponseWriter
{
    private const string ThinkOpen = "<think>";
    private const string ThinkClose = "</think>\n\n";

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    /// <returns>The usage written: the upstream's, with the proxy's estimates where it gave none.</returns>
    public static UsageDetails Write(
        IBufferWriter<byte> output,
        ChatResponse response,
        string id,
        string model,
        long created,
        long estimatedPromptTokens,
        ReasoningOutputMode reasoningMode = ReasoningOutputMode.ThinkTags,
        UsageDetails? usageOverride = null,
        IReadOnlySet<string>? customToolNames = null)
    {
        var json = ThreadJsonWriter.Take(ref _threadWriter, output, WireJson.WriterOptions);
        try
        {
            var written = WriteBody(json, response, id, model, created, estimatedPromptTokens, reasoningMode, usageOverride, customToolNames);
            json.Flush();
            return written;
        }
        finally
        {
            json.Reset();
        }
    }

    private static UsageDetails WriteBody(
        Utf8JsonWriter json,
        ChatResponse response,
        string id,
        string model,
        long created,
        long estimatedPromptTokens,
        ReasoningOutputMode reasoningMode,
        UsageDetails? usageOverride,
        IReadOnlySet<string>? customToolNames)
    {
        // One pass to measure: the lengths decide what is written (and the estimate), the calls are kept.
        var textLength = 0;
        var reasoningLength = 0;
        List<FunctionCallContent>? calls = null;
        var messages = response.Messages;
        for (var m = 0; m < messages.Count; m++)
        {
            var contents = messages[m].Contents;
            for (var c = 0; c < contents.Count; c++)
            {
                switch (contents[c])
                {
                    case TextContent t: textLength += t.Text.Length; break;
                    case TextReasoningContent r: reasoningLength += r.Text.Length; break;
                    case FunctionCallContent call: (calls ??= []).Add(call); break;
                }
            }
        }
        var thinkTags = reasoningLength > 0 && reasoningMode == ReasoningOutputMode.ThinkTags;
        if (thinkTags)
        {
            textLength += ThinkOpen.Length + reasoningLength + ThinkClose.Length;
        }
        var callCount = calls?.Count ?? 0;

        ChatCompletionEnvelope.Write(json, id, "chat.completion", created, model);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("message");
        json.WriteString("role", "assistant");
        json.WritePropertyName("content");
        if (textLength > 0 || callCount == 0)
        {
            if (thinkTags)
            {
                json.WriteStringValueSegment(ThinkOpen, isFinalSegment: false);
                WriteSegments<TextReasoningContent>(json, messages);
                json.WriteStringValueSegment(ThinkClose, isFinalSegment: false);
            }
            WriteSegments<TextContent>(json, messages);
            json.WriteStringValueSegment(ReadOnlySpan<char>.Empty, isFinalSegment: true);
        }
        else
        {
            json.WriteNullValue();
        }
        if (reasoningLength > 0 && reasoningMode == ReasoningOutputMode.ReasoningContent)
        {
            json.WritePropertyName("reasoning_content");
            WriteSegments<TextReasoningContent>(json, messages);
            json.WriteStringValueSegment(ReadOnlySpan<char>.Empty, isFinalSegment: true);
        }
        var callCharacters = 0;
        if (calls is not null)
        {
            ArrayBufferWriter<byte>? scratch = null;
            Utf8JsonWriter? argumentsJson = null;
            json.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                callCharacters += call.Name.Length + 16;
                json.WriteStartObject();
                json.WriteString("id", string.IsNullOrEmpty(call.CallId) ? $"call_{Guid.NewGuid():N}" : call.CallId);
                json.WriteString("type", "function");
                json.WriteStartObject("function");
                json.WriteString("name", call.Name);
                json.WritePropertyName("arguments");
                if (customToolNames?.Contains(call.Name) == true && CustomToolCalls.TryGetRawInput(call, out var rawInput))
                {
                    // A custom tool (Cursor's ApplyPatch) gets its raw input, not the JSON wrapper: see CustomToolCalls.
                    json.WriteStringValue(rawInput);
                }
                else
                {
                    scratch ??= new ArrayBufferWriter<byte>(256);
                    argumentsJson ??= new Utf8JsonWriter(scratch, WireJson.ArgumentsWriterOptions);
                    WireJson.WriteArgumentsString(json, call, scratch, argumentsJson);
                }
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            argumentsJson?.Dispose();
        }
        json.WriteEndObject();
        json.WriteNull("logprobs");
        json.WriteString("finish_reason", WireJson.FinishReason(callCount > 0, response.FinishReason));
        json.WriteEndObject();
        json.WriteEndArray();

        var usage = usageOverride ?? response.Usage;
        var outputChars = textLength + reasoningLength + callCharacters;
        var written = TokenEstimator.Complete(usage, estimatedPromptTokens, outputChars);
        WireJson.WriteUsage(json, written.InputTokenCount!.Value, written.OutputTokenCount!.Value, written.CachedInputTokenCount, written.ReasoningTokenCount);
        json.WriteEndObject();
        return written;
    }

    /// <summary>Every <typeparamref name="T"/> content's text, in order, as segments of the string value being written.</summary>
    private static void WriteSegments<T>(Utf8JsonWriter json, IList<ChatMessage> messages)
        where T : AIContent
    {
        for (var m = 0; m < messages.Count; m++)
        {
            var contents = messages[m].Contents;
            for (var c = 0; c < contents.Count; c++)
            {
                var text = contents[c] switch
                {
                    TextContent t when typeof(T) == typeof(TextContent) => t.Text,
                    TextReasoningContent r when typeof(T) == typeof(TextReasoningContent) => r.Text,
                    _ => null,
                };
                if (!string.IsNullOrEmpty(text))
                {
                    json.WriteStringValueSegment(text, isFinalSegment: false);
                }
            }
        }
    }
}
