using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using CursorAspire.Proxy.Tokens;
using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Wire.Responses;

// Over 300 lines because the Responses event sequence (output items, content parts, deltas, done events, the final
// response) is one state machine: split, its ordering rules would be read in two places.

/// <summary>
/// Turns a stream of <see cref="ChatResponseUpdate"/>s into the Responses API: named server-sent events
/// (<c>event: response.output_text.delta</c> + <c>data: {"type":…,"sequence_number":n,…}</c>) in OpenAI's order, and the
/// final <c>response</c> object, which is also the non-streamed body.
/// </summary>
/// <remarks>
/// <para>Order: <c>response.created</c>, <c>response.in_progress</c>; per output item <c>response.output_item.added</c>,
/// its deltas and <c>.done</c> events, <c>response.output_item.done</c>; then <c>response.completed</c> (or
/// <c>response.incomplete</c> when the model hit its token limit). A failure after the start is <c>response.failed</c>.</para>
/// <para>Items: text becomes a <c>message</c> with one <c>output_text</c> part; a call of a function tool a
/// <c>function_call</c>; a call of a <c>custom</c> tool a <c>custom_tool_call</c> whose <c>input</c> is the raw text
/// (see <see cref="CustomToolCalls"/>); reasoning text a <c>reasoning</c> item with a <c>reasoning_text</c> part, unless
/// <see cref="ReasoningOutputMode.Omit"/>. The Responses API has its own channel for reasoning, so
/// <see cref="ReasoningOutputMode.ThinkTags"/> (a Chat Completions workaround) also yields reasoning items here.</para>
/// <para>Pure: writes to any <see cref="IBufferWriter{T}"/> and never flushes. With a null output it only accumulates,
/// which is how the non-streamed body is built from the same code.</para>
/// </remarks>
public sealed class ResponseEventWriter : IChatStreamWriter
{
    private static readonly JsonSerializerOptions ArgumentOptions = new(AIJsonUtilities.DefaultOptions)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false, // M.E.AI's defaults indent; arguments travel as compact JSON text
    };

    private readonly ResponseEnvelope _envelope;
    private readonly ReasoningOutputMode _reasoningMode;
    private readonly IReadOnlySet<string> _customToolNames;
    private readonly Utf8JsonWriter _json = new(Stream.Null, WireJson.WriterOptions);
    private readonly List<ResponseOutputItem> _items = [];

    private ResponseOutputItem? _open;   // the message or reasoning item receiving deltas
    private int _sequence;
    private long _outputChars;
    private UsageDetails? _usage;
    private ChatFinishReason? _finishReason;

    public ResponseEventWriter(ResponseEnvelope envelope, ReasoningOutputMode reasoningMode, IReadOnlySet<string>? customToolNames = null)
    {
        _envelope = envelope;
        _reasoningMode = reasoningMode;
        _customToolNames = customToolNames ?? new HashSet<string>();
    }

    /// <summary>The response id (<c>resp_…</c>).</summary>
    public string ResponseId => _envelope.Id;

    /// <summary>Number of function and custom tool calls so far.</summary>
    public int ToolCallCount { get; private set; }

    /// <summary>The final status, known once the stream ended: <c>completed</c>, or <c>incomplete</c> at the token limit.</summary>
    public string FinalStatus => _finishReason == ChatFinishReason.Length ? "incomplete" : "completed";

    /// <summary>The prompt size reported in the final usage when the upstream reported none.</summary>
    public long EstimatedPromptTokens { get; init; }

    /// <summary>The usage the upstream reported, if any.</summary>
    public UsageDetails? ReportedUsage => _usage;

    /// <inheritdoc />
    public UsageDetails? FinalUsage { get; private set; }

    /// <inheritdoc />
    public UsageDetails UsageSoFar => TokenEstimator.Complete(_usage, EstimatedPromptTokens, _outputChars);

    /// <summary>The final <c>response</c> object, once <see cref="WriteEnd(IBufferWriter{byte})"/> wrote it.</summary>
    public byte[]? FinalResponse { get; private set; }

    /// <summary>Writes <c>response.created</c> and <c>response.in_progress</c>.</summary>
    public bool WriteStart(IBufferWriter<byte> output)
    {
        foreach (var type in (ReadOnlySpan<string>)["response.created", "response.in_progress"])
        {
            BeginEvent(type, output);
            _json.WritePropertyName("response");
            ResponseObjectWriter.Write(_json, _envelope, "in_progress", [], usage: null);
            EndEvent(output);
        }
        return true;
    }

    /// <summary>Takes one update; with an output, writes its events. Returns whether anything was written.</summary>
    public bool WriteUpdate(ChatResponseUpdate update, IBufferWriter<byte>? output)
    {
        var wrote = false;
        // An index loop: foreach over the IList would box its enumerator on every chunk.
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent { Text.Length: > 0 } text:
                    AppendText(ResponseOutputItemKind.Message, text.Text, output);
                    wrote = true;
                    break;
                case TextReasoningContent { Text.Length: > 0 } reasoning when _reasoningMode != ReasoningOutputMode.Omit:
                    AppendText(ResponseOutputItemKind.Reasoning, reasoning.Text, output);
                    wrote = true;
                    break;
                case FunctionCallContent call:
                    WriteCall(call, output);
                    wrote = true;
                    break;
                case UsageContent usage:
                    if (_usage is null)
                    {
                        _usage = usage.Details;
                    }
                    else
                    {
                        _usage.Add(usage.Details);
                    }
                    break;
            }
        }
        if (update.FinishReason is { } finishReason)
        {
            _finishReason = finishReason;
        }
        return wrote && output is not null;
    }

    /// <summary>Closes the open message or reasoning item (its <c>.done</c> events).</summary>
    public void CloseOutput(IBufferWriter<byte>? output) => CloseOpen(output);

    /// <summary>
    /// The final <c>response</c> object as JSON: all output items, the status and usage (estimated where the
    /// upstream gave none). Call after <see cref="CloseOutput"/>.
    /// </summary>
    public byte[] BuildResponse(long estimatedPromptTokens, UsageDetails? usageOverride = null)
    {
        var counts = TokenEstimator.Complete(usageOverride ?? _usage, estimatedPromptTokens, _outputChars);
        FinalUsage = counts;
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, WireJson.WriterOptions))
        {
            ResponseObjectWriter.Write(json, _envelope, FinalStatus, _items, counts);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Closes the open item, builds the final response object (<see cref="FinalResponse"/>) and writes
    /// <c>response.completed</c> (or <c>response.incomplete</c>) carrying it.
    /// </summary>
    public void WriteEnd(IBufferWriter<byte> output)
    {
        CloseOpen(output);
        FinalResponse = BuildResponse(EstimatedPromptTokens);
        BeginEvent(FinalStatus == "incomplete" ? "response.incomplete" : "response.completed", output);
        _json.WritePropertyName("response");
        _json.WriteRawValue(FinalResponse, skipInputValidation: true);
        EndEvent(output);
    }

    /// <summary>Ends a stream that failed after it started: <c>response.failed</c> with the error and the output so far.</summary>
    public void WriteFailed(string message, IBufferWriter<byte> output)
    {
        _open = null;
        BeginEvent("response.failed", output);
        _json.WritePropertyName("response");
        ResponseObjectWriter.Write(_json, _envelope, "failed", _items, usage: null, error: message);
        EndEvent(output);
    }

    private void AppendText(ResponseOutputItemKind kind, string text, IBufferWriter<byte>? output)
    {
        _outputChars += text.Length;
        if (_open?.Kind != kind)
        {
            CloseOpen(output);
            _open = Open(kind, kind == ResponseOutputItemKind.Message ? "msg" : "rs", output);
            if (output is not null && kind == ResponseOutputItemKind.Message)
            {
                BeginItemEvent("response.content_part.added", _open, output);
                _json.WriteNumber("content_index", 0);
                _json.WritePropertyName("part");
                ResponseObjectWriter.WriteOutputTextPart(_json, string.Empty);
                EndEvent(output);
            }
        }
        _open.Text.Append(text);
        if (output is null)
        {
            return;
        }
        BeginItemEvent(kind == ResponseOutputItemKind.Message ? "response.output_text.delta" : "response.reasoning_text.delta", _open, output);
        _json.WriteNumber("content_index", 0);
        _json.WriteString("delta", text);
        if (kind == ResponseOutputItemKind.Message)
        {
            _json.WriteStartArray("logprobs");
            _json.WriteEndArray();
        }
        EndEvent(output);
    }

    private void WriteCall(FunctionCallContent call, IBufferWriter<byte>? output)
    {
        CloseOpen(output);
        ToolCallCount++;
        var callId = string.IsNullOrEmpty(call.CallId) ? $"call_{Guid.NewGuid():N}" : call.CallId;
        var custom = _customToolNames.Contains(call.Name) && CustomToolCalls.TryGetRawInput(call, out _);
        string arguments;
        if (custom)
        {
            CustomToolCalls.TryGetRawInput(call, out arguments);
        }
        else
        {
            arguments = JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), ArgumentOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
        }
        _outputChars += arguments.Length + call.Name.Length;

        var item = new ResponseOutputItem(
            custom ? ResponseOutputItemKind.CustomToolCall : ResponseOutputItemKind.FunctionCall,
            $"{(custom ? "ctc" : "fc")}_{Guid.NewGuid():N}",
            _items.Count)
        {
            CallId = callId,
            Name = call.Name,
            Arguments = arguments,
        };
        _items.Add(item);
        if (output is null)
        {
            item.Done = true;
            return;
        }

        WriteItemEvent("response.output_item.added", item, output);
        // Calls arrive whole through IChatClient, so each gets one delta with everything.
        BeginItemEvent(custom ? "response.custom_tool_call_input.delta" : "response.function_call_arguments.delta", item, output);
        _json.WriteString("delta", arguments);
        EndEvent(output);
        BeginItemEvent(custom ? "response.custom_tool_call_input.done" : "response.function_call_arguments.done", item, output);
        if (!custom)
        {
            _json.WriteString("name", item.Name);
        }
        _json.WriteString(custom ? "input" : "arguments", arguments);
        EndEvent(output);
        item.Done = true;
        WriteItemEvent("response.output_item.done", item, output);
    }

    private ResponseOutputItem Open(ResponseOutputItemKind kind, string prefix, IBufferWriter<byte>? output)
    {
        var item = new ResponseOutputItem(kind, $"{prefix}_{Guid.NewGuid():N}", _items.Count);
        _items.Add(item);
        if (output is not null)
        {
            WriteItemEvent("response.output_item.added", item, output);
        }
        return item;
    }

    private void CloseOpen(IBufferWriter<byte>? output)
    {
        if (_open is not { } item)
        {
            return;
        }
        _open = null;
        item.Done = true;
        if (output is null)
        {
            return;
        }
        var text = item.Text.ToString();
        if (item.Kind == ResponseOutputItemKind.Message)
        {
            BeginItemEvent("response.output_text.done", item, output);
            _json.WriteNumber("content_index", 0);
            _json.WriteString("text", text);
            _json.WriteStartArray("logprobs");
            _json.WriteEndArray();
            EndEvent(output);

            BeginItemEvent("response.content_part.done", item, output);
            _json.WriteNumber("content_index", 0);
            _json.WritePropertyName("part");
            ResponseObjectWriter.WriteOutputTextPart(_json, text);
            EndEvent(output);
        }
        else
        {
            BeginItemEvent("response.reasoning_text.done", item, output);
            _json.WriteNumber("content_index", 0);
            _json.WriteString("text", text);
            EndEvent(output);
        }
        WriteItemEvent("response.output_item.done", item, output);
    }

    private void WriteItemEvent(string type, ResponseOutputItem item, IBufferWriter<byte> output)
    {
        BeginEvent(type, output);
        _json.WriteNumber("output_index", item.OutputIndex);
        _json.WritePropertyName("item");
        ResponseObjectWriter.WriteItem(_json, item, item.Done ? "completed" : "in_progress");
        EndEvent(output);
    }

    private void BeginItemEvent(string type, ResponseOutputItem item, IBufferWriter<byte> output)
    {
        BeginEvent(type, output);
        _json.WriteString("item_id", item.Id);
        _json.WriteNumber("output_index", item.OutputIndex);
    }

    private void BeginEvent(string type, IBufferWriter<byte> output)
    {
        output.Write("event: "u8);
        var name = output.GetSpan(type.Length);
        output.Advance(Encoding.ASCII.GetBytes(type, name));
        output.Write("\ndata: "u8);
        _json.Reset(output);
        _json.WriteStartObject();
        _json.WriteString("type", type);
        _json.WriteNumber("sequence_number", _sequence++);
    }

    private void EndEvent(IBufferWriter<byte> output)
    {
        _json.WriteEndObject();
        _json.Flush();
        output.Write("\n\n"u8);
    }
}
