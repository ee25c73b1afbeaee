using System.Buffers;
using CursorAspire.Proxy.Tokens;
using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Wire.ChatCompletions;

/// <summary>
/// Turns a stream of <see cref="ChatResponseUpdate"/>s into <c>chat.completion.chunk</c> server-sent events to the
/// contract Cursor enforces: one id; the model name as the client sent it; <c>role</c> on the first delta; content and
/// tool calls never in one chunk; each tool call opened with index/id/type/name/<c>arguments:""</c> and then its
/// arguments; indices 0..n per response whatever the upstream did; <c>finish_reason</c> only on a final empty delta;
/// a usage chunk (estimated when the upstream gave none) before <c>[DONE]</c>.
/// </summary>
/// <remarks>
/// Pure: writes to any <see cref="IBufferWriter{T}"/> and never flushes; the caller flushes after each call that
/// returned <c>true</c>. The per-chunk envelope is encoded once per response, and the JSON writer is reused, so a
/// text delta costs no allocation beyond the upstream's own string.
/// </remarks>
public sealed class ChatCompletionChunkWriter : IChatStreamWriter
{
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] ChoiceSuffix = ",\"finish_reason\":null}]}"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly byte[] _choicePrefix;   // data: {"id":…,"model":…,"choices":[{"index":0,"delta":
    private readonly byte[] _envelopePrefix; // data: {"id":…,"model":…,
    private readonly ReasoningOutputMode _reasoningMode;
    private readonly IReadOnlySet<string>? _customToolNames;
    private readonly Utf8JsonWriter _json = new(Stream.Null, WireJson.WriterOptions);
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private readonly Utf8JsonWriter _argumentsJson = new(Stream.Null, WireJson.ArgumentsWriterOptions);

    private bool _roleSent;
    private bool _thinkOpen;
    private int _toolCallCount;
    private ChatFinishReason? _upstreamFinishReason;
    private UsageDetails? _usage;
    private long _outputChars;

    /// <param name="id">The completion id, the same on every chunk.</param>
    /// <param name="model">The model name exactly as the client sent it.</param>
    /// <param name="created">Unix seconds.</param>
    /// <param name="reasoningMode">How reasoning text is shown.</param>
    /// <param name="customToolNames">Tools the client declared as <c>custom</c>: their calls carry the raw input as arguments.</param>
    public ChatCompletionChunkWriter(string id, string model, long created, ReasoningOutputMode reasoningMode = ReasoningOutputMode.ThinkTags, IReadOnlySet<string>? customToolNames = null)
    {
        _reasoningMode = reasoningMode;
        _customToolNames = customToolNames is { Count: > 0 } ? customToolNames : null;
        var envelope = new ArrayBufferWriter<byte>(128);
        envelope.Write("data: "u8);
        using (var writer = new Utf8JsonWriter(envelope, WireJson.WriterOptions))
        {
            ChatCompletionEnvelope.Write(writer, id, "chat.completion.chunk", created, model);
            writer.Flush();
        }
        _envelopePrefix = [.. envelope.WrittenSpan, (byte)','];
        _choicePrefix = [.. _envelopePrefix, .. "\"choices\":[{\"index\":0,\"delta\":"u8];
    }

    /// <summary>Report the whole prompt as cached tokens (a response replayed from the cache).</summary>
    public bool ReportPromptAsCached { get; init; }

    /// <summary>The prompt size reported in the usage chunk when the upstream reported none.</summary>
    public long EstimatedPromptTokens { get; init; }

    /// <summary>The usage the upstream reported, if any (for comparing with the proxy's estimate).</summary>
    public UsageDetails? ReportedUsage => _usage;

    /// <inheritdoc />
    public UsageDetails? FinalUsage { get; private set; }

    /// <inheritdoc />
    public UsageDetails UsageSoFar => TokenEstimator.Complete(_usage, EstimatedPromptTokens, _outputChars);

    /// <summary>Number of tool calls written so far.</summary>
    public int ToolCallCount => _toolCallCount;

    /// <summary>Characters of content, reasoning and arguments written; the basis of the usage estimate.</summary>
    public long OutputCharacters => _outputChars;

    /// <summary>Chat Completions has no opening event: the first delta carries the role.</summary>
    public bool WriteStart(IBufferWriter<byte> output) => false;

    /// <summary>The role chunk (<c>{"role":"assistant","content":""}</c>, as OpenAI opens its streams) while the model has written nothing yet.</summary>
    public bool WriteWaiting(IBufferWriter<byte> output) => EnsureRoleSent(output);

    /// <summary>Writes the events for one update. Returns whether anything was written (and so should be flushed).</summary>
    public bool WriteUpdate(ChatResponseUpdate update, IBufferWriter<byte> output)
    {
        var wrote = false;
        // An index loop: foreach over the IList would box its enumerator on every chunk.
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent { Text.Length: > 0 } text:
                    wrote |= CloseThink(output);
                    WriteTextDelta("content", text.Text, output);
                    wrote = true;
                    break;
                case TextReasoningContent { Text.Length: > 0 } reasoning:
                    wrote |= WriteReasoning(reasoning.Text, output);
                    break;
                case FunctionCallContent call:
                    wrote |= CloseThink(output);
                    WriteToolCall(call, output);
                    wrote = true;
                    break;
                case UsageContent usage:
                    _usage = Merge(_usage, usage.Details);
                    break;
            }
        }
        if (update.FinishReason is { } finishReason)
        {
            _upstreamFinishReason = finishReason;
        }
        return wrote;
    }

    /// <summary>
    /// Ends the stream: a final empty delta with the finish reason, the usage chunk, and <c>[DONE]</c>.
    /// </summary>
    public void WriteEnd(IBufferWriter<byte> output)
    {
        CloseThink(output);
        EnsureRoleSent(output);
        WriteFinish(WireJson.FinishReason(_toolCallCount > 0, _upstreamFinishReason), output);
        WriteUsageChunk(_usage, output);
        output.Write(Done);
    }

    /// <summary>
    /// Ends a stream that failed after it started (the status is already 200): the error as assistant text so the
    /// user sees it in Cursor, then <c>finish_reason:"stop"</c>, usage and <c>[DONE]</c>.
    /// </summary>
    public void WriteFailed(string message, IBufferWriter<byte> output)
    {
        CloseThink(output);
        var prefix = _outputChars > 0 ? "\n\n" : string.Empty; // after what the model wrote, not after an opening role chunk
        WriteTextDelta("content", $"{prefix}[CursorAspire] {message}", output);
        WriteFinish("stop", output);
        WriteUsageChunk(_usage, output);
        output.Write(Done);
    }

    private bool WriteReasoning(string text, IBufferWriter<byte> output)
    {
        switch (_reasoningMode)
        {
            case ReasoningOutputMode.ThinkTags:
                if (!_thinkOpen)
                {
                    _thinkOpen = true;
                    WriteTextDelta("content", "<think>", output);
                }
                WriteTextDelta("content", text, output);
                return true;
            case ReasoningOutputMode.ReasoningContent:
                WriteTextDelta("reasoning_content", text, output);
                return true;
            default:
                return false;
        }
    }

    private bool CloseThink(IBufferWriter<byte> output)
    {
        if (!_thinkOpen)
        {
            return false;
        }
        _thinkOpen = false;
        WriteTextDelta("content", "</think>\n\n", output);
        return true;
    }

    private void WriteTextDelta(string member, string text, IBufferWriter<byte> output)
    {
        _outputChars += text.Length;
        BeginDelta(output);
        _json.WriteString(member, text);
        EndDelta(output);
    }

    private void WriteToolCall(FunctionCallContent call, IBufferWriter<byte> output)
    {
        // Indices are ours: upstreams repeat 0 (Ollama) or send every call in one update.
        var index = _toolCallCount++;
        var id = string.IsNullOrEmpty(call.CallId) ? $"call_{Guid.NewGuid():N}" : call.CallId;

        BeginDelta(output);
        _json.WriteStartArray("tool_calls");
        _json.WriteStartObject();
        _json.WriteNumber("index", index);
        _json.WriteString("id", id);
        _json.WriteString("type", "function");
        _json.WriteStartObject("function");
        _json.WriteString("name", call.Name);
        _json.WriteString("arguments", string.Empty);
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteEndArray();
        EndDelta(output);

        BeginDelta(output);
        _json.WriteStartArray("tool_calls");
        _json.WriteStartObject();
        _json.WriteNumber("index", index);
        _json.WriteStartObject("function");
        _json.WritePropertyName("arguments");
        if (_customToolNames?.Contains(call.Name) == true && CustomToolCalls.TryGetRawInput(call, out var rawInput))
        {
            // A custom tool (Cursor's ApplyPatch) gets its raw input, not the JSON wrapper the model filled: see CustomToolCalls.
            _json.WriteStringValue(rawInput);
            _outputChars += rawInput.Length;
        }
        else
        {
            WireJson.WriteArgumentsString(_json, call, _scratch, _argumentsJson);
            _outputChars += _scratch.WrittenCount;
        }
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.WriteEndArray();
        EndDelta(output);
    }

    private bool EnsureRoleSent(IBufferWriter<byte> output)
    {
        if (_roleSent)
        {
            return false;
        }
        BeginDelta(output);
        _json.WriteString("content", string.Empty);
        EndDelta(output);
        return true;
    }

    private void BeginDelta(IBufferWriter<byte> output)
    {
        output.Write(_choicePrefix);
        _json.Reset(output);
        _json.WriteStartObject();
        if (!_roleSent)
        {
            _roleSent = true;
            _json.WriteString("role", "assistant");
        }
    }

    private void EndDelta(IBufferWriter<byte> output)
    {
        _json.WriteEndObject();
        _json.Flush();
        output.Write(ChoiceSuffix);
        output.Write(EventEnd);
    }

    private void WriteFinish(string finishReason, IBufferWriter<byte> output)
    {
        output.Write(_choicePrefix);
        _json.Reset(output);
        _json.WriteStartObject();
        _json.WriteEndObject();
        _json.WritePropertyName("finish_reason");
        _json.WriteStringValue(finishReason);
        _json.Flush();
        output.Write("}]}"u8);
        output.Write(EventEnd);
    }

    private void WriteUsageChunk(UsageDetails? usage, IBufferWriter<byte> output)
    {
        output.Write(_envelopePrefix);
        _json.Reset(output);
        // The envelope prefix left an object open; the writer continues inside it without validation.
        _json.WriteStartArray("choices");
        _json.WriteEndArray();
        var final = TokenEstimator.Complete(usage, EstimatedPromptTokens, _outputChars,
            ReportPromptAsCached ? usage?.InputTokenCount ?? EstimatedPromptTokens : null);
        WireJson.WriteUsage(_json, final.InputTokenCount!.Value, final.OutputTokenCount!.Value, final.CachedInputTokenCount, final.ReasoningTokenCount);
        FinalUsage = final;
        _json.Flush();
        output.Write("}"u8);
        output.Write(EventEnd);
    }

    private static UsageDetails Merge(UsageDetails? current, UsageDetails next)
    {
        if (current is null)
        {
            return next;
        }
        current.Add(next);
        return current;
    }
}
