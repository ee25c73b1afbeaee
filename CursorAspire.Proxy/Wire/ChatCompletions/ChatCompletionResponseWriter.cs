using System.Buffers;
using System.Text;
using CursorAspire.Proxy.Tokens;
using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Wire.ChatCompletions;

/// <summary>
/// Writes a complete (non-streamed) <c>chat.completion</c> object: one choice with the assistant message, its tool
/// calls, the finish reason, and usage (estimated when the upstream gave none). Used by Cursor's Verify call.
/// </summary>
public static class ChatCompletionResponseWriter
{
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
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var calls = new List<FunctionCallContent>();
        foreach (var message in response.Messages)
        {
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent t: text.Append(t.Text); break;
                    case TextReasoningContent r: reasoning.Append(r.Text); break;
                    case FunctionCallContent c: calls.Add(c); break;
                }
            }
        }
        if (reasoning.Length > 0 && reasoningMode == ReasoningOutputMode.ThinkTags)
        {
            text.Insert(0, $"<think>{reasoning}</think>\n\n");
        }

        using var json = new Utf8JsonWriter(output, WireJson.WriterOptions);
        var scratch = new ArrayBufferWriter<byte>(256);
        using var argumentsJson = new Utf8JsonWriter(scratch, WireJson.ArgumentsWriterOptions);
        ChatCompletionEnvelope.Write(json, id, "chat.completion", created, model);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("message");
        json.WriteString("role", "assistant");
        if (text.Length > 0 || calls.Count == 0)
        {
            json.WriteString("content", text.ToString());
        }
        else
        {
            json.WriteNull("content");
        }
        if (reasoning.Length > 0 && reasoningMode == ReasoningOutputMode.ReasoningContent)
        {
            json.WriteString("reasoning_content", reasoning.ToString());
        }
        if (calls.Count > 0)
        {
            json.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
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
                    WireJson.WriteArgumentsString(json, call, scratch, argumentsJson);
                }
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.WriteNull("logprobs");
        json.WriteString("finish_reason", WireJson.FinishReason(calls.Count > 0, response.FinishReason));
        json.WriteEndObject();
        json.WriteEndArray();

        var usage = usageOverride ?? response.Usage;
        var outputChars = text.Length + reasoning.Length + calls.Sum(c => c.Name.Length + 16);
        var written = TokenEstimator.Complete(usage, estimatedPromptTokens, outputChars);
        WireJson.WriteUsage(json, written.InputTokenCount!.Value, written.OutputTokenCount!.Value, written.CachedInputTokenCount, written.ReasoningTokenCount);
        json.WriteEndObject();
        return written;
    }
}
