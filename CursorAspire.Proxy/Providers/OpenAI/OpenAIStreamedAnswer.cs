using System.Text;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// One streamed answer, event by event: each <c>chat.completion.chunk</c> becomes the update M.E.AI 10.11's OpenAI client
/// made of it, and <see cref="Finish"/> the update it added once the stream ended (the tool calls, gathered).
/// </summary>
/// <remarks>
/// As M.E.AI did: the role, the finish reason and the model (the first non-empty one) are carried onto every later update
/// once they came; each update keeps its own chunk's id (as response and message id) and <c>created</c>; a chunk's
/// contents are its text, then its reasoning, then its usage; tool-call fragments yield no contents until the end; a
/// refusal is only reported next to tool calls.
/// </remarks>
internal sealed class OpenAIStreamedAnswer
{
    private readonly OpenAIChatChunk _chunk = new();
    private readonly OpenAIToolCallAccumulator _toolCalls = new(whole: false);
    private ChatRole? _role;
    private ChatFinishReason? _finishReason;
    private string? _responseId;
    private DateTimeOffset? _createdAt;
    private string? _modelId;
    private StringBuilder? _refusal;

    /// <summary>The update for one SSE event's data; <see langword="null"/> for <c>[DONE]</c>, the end.</summary>
    public ChatResponseUpdate? OnEvent(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            return null;
        }
        var chunk = _chunk;
        chunk.Read(data, _toolCalls, whole: false);
        _role ??= chunk.Role;
        _finishReason ??= chunk.FinishReason;
        _responseId ??= chunk.Id;
        _createdAt ??= chunk.CreatedAt;
        _modelId ??= string.IsNullOrEmpty(chunk.Model) ? null : chunk.Model;
        if (chunk.Refusal is { } refusal)
        {
            (_refusal ??= new StringBuilder()).Append(refusal);
        }

        var contents = new List<AIContent>(chunk.TextAndReasoningCount + (chunk.Usage is null ? 0 : 1));
        chunk.AddTextAndReasoningTo(contents);
        if (chunk.Usage is { } usage)
        {
            contents.Add(new UsageContent(usage));
        }
        return new ChatResponseUpdate(_role, contents)
        {
            ResponseId = chunk.Id,
            MessageId = chunk.Id, // one message per answer: its id is the answer's
            CreatedAt = chunk.CreatedAt,
            FinishReason = _finishReason,
            ModelId = _modelId,
        };
    }

    /// <summary>The last update, once the stream ended: the tool calls (and a refusal), if any call came.</summary>
    public ChatResponseUpdate? Finish()
    {
        if (!_toolCalls.Any)
        {
            return null;
        }
        var contents = new List<AIContent>();
        _toolCalls.AddTo(contents);
        if (_refusal is not null)
        {
            contents.Add(new ErrorContent(_refusal.ToString()) { ErrorCode = "Refusal" });
        }
        return new ChatResponseUpdate(_role, contents)
        {
            ResponseId = _responseId,
            MessageId = _responseId,
            CreatedAt = _createdAt,
            FinishReason = _finishReason,
            ModelId = _modelId,
        };
    }
}
