namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// What OllamaSharp 5.5's M.E.AI adapter (its <c>AbstractionMapper</c>) made of a line of Ollama's chat answer: the
/// same contents in the same order, ids, finish reason, usage and durations.
/// </summary>
internal static class OllamaChatUpdates
{
    /// <summary>The update OllamaSharp streamed for this line (<c>AbstractionMapper.ToChatResponseUpdate</c>).</summary>
    public static ChatResponseUpdate ToUpdate(this OllamaChatLine line, string responseId)
    {
        var contents = Contents(line.HasMessage, line.Content, line.Thinking, line.ToolCalls);
        if (line.Done)
        {
            contents.Add(new UsageContent(Usage(line)));
            return new ChatResponseUpdate(line.Role ?? Unknown, contents)
            {
                AdditionalProperties = Durations(line),
                CreatedAt = line.CreatedAt,
                FinishReason = line.DoneReason is null ? null : new ChatFinishReason(line.DoneReason),
                MessageId = responseId,
                ResponseId = responseId,
                ModelId = line.Model,
            };
        }
        return new ChatResponseUpdate(line.Role ?? Unknown, contents)
        {
            CreatedAt = line.CreatedAt,
            MessageId = responseId,
            ResponseId = responseId,
            ModelId = line.Model,
        };
    }

    /// <summary>
    /// The response OllamaSharp returned for a non-streamed answer (<c>AbstractionMapper.ToChatResponse</c>): this line,
    /// the done one, with the message <paramref name="content"/>, <paramref name="thinking"/> and
    /// <paramref name="toolCalls"/> gathered from every line.
    /// </summary>
    public static ChatResponse ToResponse(this OllamaChatLine line, string? createdAtText, string? content, string? thinking, List<FunctionCallContent>? toolCalls, string requestModel)
    {
        var id = createdAtText ?? Guid.NewGuid().ToString("N");
        var message = new ChatMessage(line.Role ?? Unknown, Contents(hasMessage: true, content, thinking, toolCalls)) { CreatedAt = line.CreatedAt, MessageId = id };
        return new ChatResponse(message)
        {
            FinishReason = line.DoneReason switch
            {
                null => null,
                "length" => ChatFinishReason.Length,
                "stop" => ChatFinishReason.Stop,
                _ => new ChatFinishReason(line.DoneReason),
            },
            AdditionalProperties = Durations(line),
            CreatedAt = line.CreatedAt,
            ModelId = line.Model ?? requestModel,
            ResponseId = id,
            Usage = Usage(line),
        };
    }

    private static readonly ChatRole Unknown = new("unknown");

    /// <summary>Text first (also when there is nothing else, even empty), then reasoning, then the tool calls.</summary>
    private static List<AIContent> Contents(bool hasMessage, string? content, string? thinking, List<FunctionCallContent>? toolCalls)
    {
        var calls = toolCalls?.Count ?? 0;
        var contents = new List<AIContent>(calls + 2);
        if (content is { Length: > 0 } || (thinking is not { Length: > 0 } && calls == 0) || !hasMessage)
        {
            contents.Add(new TextContent(hasMessage ? content : string.Empty));
        }
        if (thinking is { Length: > 0 })
        {
            contents.Add(new TextReasoningContent(thinking));
        }
        for (var i = 0; i < calls; i++)
        {
            contents.Add(toolCalls![i]);
        }
        return contents;
    }

    private static UsageDetails Usage(OllamaChatLine line) => new()
    {
        InputTokenCount = line.PromptEvalCount,
        OutputTokenCount = line.EvalCount,
        TotalTokenCount = line.PromptEvalCount + line.EvalCount,
    };

    private static AdditionalPropertiesDictionary Durations(OllamaChatLine line) => new()
    {
        ["load_duration"] = TimeSpan.FromMilliseconds(line.LoadDuration / 1000000.0),
        ["total_duration"] = TimeSpan.FromMilliseconds(line.TotalDuration / 1000000.0),
        ["prompt_eval_duration"] = TimeSpan.FromMilliseconds(line.PromptEvalDuration / 1000000.0),
        ["eval_duration"] = TimeSpan.FromMilliseconds(line.EvalDuration / 1000000.0),
    };
}
