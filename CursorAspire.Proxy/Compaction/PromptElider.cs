using CursorAspire.Proxy.Tokens;

namespace CursorAspire.Proxy.Compaction;

/// <summary>
/// Elides one conversation's tool results and tool-call arguments: tells what eliding a message would save, and makes
/// the elided copy, each item replaced by its <see cref="ElisionMarkers"/> line. Items too short to be worth a marker
/// stay, as does everything else (text, reasoning, images): only what a tool read or wrote is taken out.
/// </summary>
internal sealed class PromptElider
{
    /// <summary>Items shorter than this (in characters) stay: their marker would save little or nothing.</summary>
    public const int MinimumElidedCharacters = 256;

    private readonly Dictionary<string, string> _toolNames = new(StringComparer.Ordinal);

    /// <param name="messages">The conversation, whose tool calls name the results that answer them.</param>
    public PromptElider(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            foreach (var content in messages[i].Contents)
            {
                if (content is FunctionCallContent call)
                {
                    _toolNames.TryAdd(call.CallId, call.Name);
                }
            }
        }
    }

    /// <summary>The characters eliding <paramref name="message"/> would save (as <see cref="TokenEstimator"/> counts them).</summary>
    public long Savings(ChatMessage message)
    {
        long saved = 0;
        foreach (var content in message.Contents)
        {
            if (content is FunctionResultContent result && TokenEstimator.Characters(result) is var length and >= MinimumElidedCharacters)
            {
                saved += length - ResultMarker(result, length).Length;
            }
            else if (content is FunctionCallContent { Arguments: { } arguments })
            {
                foreach (var (_, value) in arguments)
                {
                    if (TokenEstimator.TextLength(value) is var valueLength and >= MinimumElidedCharacters)
                    {
                        saved += valueLength - ElisionMarkers.ToolArgument(valueLength).Length;
                    }
                }
            }
        }
        return saved;
    }

    /// <summary>
    /// <paramref name="message"/> with its tool results and tool-call arguments elided (the same instance when it has
    /// none worth eliding), counting what was taken out into <paramref name="counts"/>.
    /// </summary>
    public ChatMessage Elide(ChatMessage message, ref ElisionCounts counts)
    {
        List<AIContent>? elided = null;
        for (var i = 0; i < message.Contents.Count; i++)
        {
            var content = message.Contents[i];
            AIContent? replacement = content switch
            {
                FunctionResultContent result => ElideResult(result, ref counts),
                FunctionCallContent call => ElideArguments(call, ref counts),
                _ => null,
            };
            if (replacement is not null)
            {
                elided ??= [.. message.Contents];
                elided[i] = replacement;
            }
        }
        return elided is null
            ? message
            : new ChatMessage(message.Role, elided)
            {
                AuthorName = message.AuthorName,
                MessageId = message.MessageId,
                CreatedAt = message.CreatedAt,
                AdditionalProperties = message.AdditionalProperties,
            };
    }

    private FunctionResultContent? ElideResult(FunctionResultContent result, ref ElisionCounts counts)
    {
        var length = TokenEstimator.Characters(result);
        if (length < MinimumElidedCharacters)
        {
            return null;
        }
        counts.ToolResults++;
        counts.Add(ToolName(result) ?? "tool");
        return new FunctionResultContent(result.CallId, ResultMarker(result, length));
    }

    /// <summary>
    /// The marker for a result: its tool, its text's length and its images, and <paramref name="estimated"/> (the
    /// estimator's characters for it, <see cref="TokenEstimator.Characters"/>) in tokens.
    /// </summary>
    private string ResultMarker(FunctionResultContent result, long estimated)
    {
        var (characters, images) = result.Result is IList<AIContent> parts
            ? (parts.OfType<TextContent>().Sum(t => (long)t.Text.Length), parts.Count(p => p is DataContent or UriContent))
            : (estimated, 0);
        return ElisionMarkers.ToolResult(ToolName(result), characters, images, TokenEstimator.FromCharacters(estimated));
    }

    private static FunctionCallContent? ElideArguments(FunctionCallContent call, ref ElisionCounts counts)
    {
        if (call.Arguments is not { } arguments)
        {
            return null;
        }
        Dictionary<string, object?>? elided = null;
        foreach (var (name, value) in arguments)
        {
            var length = TokenEstimator.TextLength(value);
            if (length >= MinimumElidedCharacters)
            {
                // Keyed as the original, in its order: the short arguments (a file's path) still say what the call did.
                elided ??= new Dictionary<string, object?>(arguments, StringComparer.Ordinal);
                elided[name] = ElisionMarkers.ToolArgument(length);
                counts.ToolArguments++;
                counts.Add(call.Name);
            }
        }
        return elided is null
            ? null
            : new FunctionCallContent(call.CallId, call.Name, elided) { AdditionalProperties = call.AdditionalProperties };
    }

    private string? ToolName(FunctionResultContent result) => _toolNames.GetValueOrDefault(result.CallId);
}
