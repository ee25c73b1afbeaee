using System.Runtime.InteropServices;
using System.Text;

namespace CursorAspire.Proxy.Tokens;

/// <summary>
/// A tokenizer-free token estimate (about four characters a token for English and code, plus a small per-message
/// overhead). Used where the upstream reports no usage, and to size a local model's context window.
/// </summary>
public static class TokenEstimator
{
    /// <summary>The characters one token is taken to be.</summary>
    public const int CharactersPerToken = 4;
    private const int PerMessageOverhead = 4;

    public static long FromCharacters(long characters) => (characters + CharactersPerToken - 1) / CharactersPerToken;

    /// <summary>
    /// The usage to report for an answer: the upstream's counts, with estimates where it gave none (the prompt's, and
    /// the output's from <paramref name="outputCharacters"/>).
    /// </summary>
    /// <param name="usage">What the upstream reported, if anything.</param>
    /// <param name="estimatedPromptTokens">The proxy's prompt estimate.</param>
    /// <param name="outputCharacters">Characters written, for the output estimate.</param>
    /// <param name="cachedInputTokens">Overrides the cached input count (a reply from the response cache reports the whole prompt).</param>
    public static UsageDetails Complete(UsageDetails? usage, long estimatedPromptTokens, long outputCharacters, long? cachedInputTokens = null)
    {
        var input = usage?.InputTokenCount ?? estimatedPromptTokens;
        var output = usage?.OutputTokenCount ?? FromCharacters(outputCharacters);
        return new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input + output,
            CachedInputTokenCount = cachedInputTokens ?? usage?.CachedInputTokenCount,
            ReasoningTokenCount = usage?.ReasoningTokenCount,
            AdditionalCounts = usage?.AdditionalCounts,
        };
    }

    /// <summary>Estimates the prompt tokens of a conversation with its tool declarations.</summary>
    public static long EstimatePrompt(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        long characters = 0;
        long overhead = 0;
        // Index loops: foreach over the IList contents boxes an enumerator per message, and this runs per request.
        for (var i = 0; i < messages.Count; i++)
        {
            overhead += PerMessageOverhead;
            var contents = messages[i].Contents;
            for (var j = 0; j < contents.Count; j++)
            {
                characters += Characters(contents[j]);
            }
        }
        if (options?.Tools is { } tools)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                var tool = tools[i];
                characters += tool.Name.Length + (tool.Description?.Length ?? 0);
                if (tool is AIFunctionDeclaration declaration)
                {
                    // The schema's length as text, counted from its UTF-8 without making the string (~11 KB for Cursor's tools).
                    characters += Encoding.UTF8.GetCharCount(JsonMarshal.GetRawUtf8Value(declaration.JsonSchema));
                }
            }
        }
        return FromCharacters(characters) + overhead;
    }

    /// <summary>The characters one part of a message counts for in <see cref="EstimatePrompt"/>.</summary>
    public static long Characters(AIContent content) => content switch
    {
        TextContent t => t.Text.Length,
        TextReasoningContent r => r.Text.Length,
        FunctionCallContent c => c.Name.Length + EstimateArguments(c),
        FunctionResultContent { Result: IList<AIContent> parts } => EstimateParts(parts),
        FunctionResultContent r => r.Result?.ToString()?.Length ?? 0,
        DataContent or UriContent => ImageCharacters,
        _ => 0,
    };

    /// <summary>The characters one tool-call argument counts for: its name, its value's text and a little JSON around them.</summary>
    public static int ArgumentCharacters(string name, object? value) => name.Length + TextLength(value) + 4;

    // Vision models bill an image at roughly a thousand tokens; close enough for a meter.
    private const int ImageCharacters = 4_000;

    /// <summary>A tool result of text and images (an Anthropic-shaped <c>tool_result</c> with a screenshot).</summary>
    private static long EstimateParts(IList<AIContent> parts)
    {
        long characters = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            characters += parts[i] switch
            {
                TextContent t => t.Text.Length,
                DataContent or UriContent => ImageCharacters,
                _ => 0,
            };
        }
        return characters;
    }

    private static int EstimateArguments(FunctionCallContent call)
    {
        var total = 0;
        if (call.Arguments is null)
        {
            return 0;
        }
        if (call.Arguments is Dictionary<string, object?> members)
        {
            // The readers' own dictionary (ToolArguments): its struct enumerator, not a boxed one per call.
            foreach (var (key, value) in members)
            {
                total += ArgumentCharacters(key, value);
            }
            return total;
        }
        foreach (var (key, value) in call.Arguments)
        {
            total += ArgumentCharacters(key, value);
        }
        return total;
    }

    /// <summary>
    /// How long <paramref name="value"/>'s <c>ToString()</c> is (4 for null); for the <see cref="JsonElement"/>s the
    /// readers put in tool-call arguments, counted from their UTF-8 without making the string.
    /// </summary>
    public static int TextLength(object? value)
    {
        if (value is not JsonElement { ValueKind: not JsonValueKind.Undefined } json)
        {
            return value?.ToString()?.Length ?? 4;
        }
        var raw = JsonMarshal.GetRawUtf8Value(json);
        return json.ValueKind switch
        {
            // The unescaped text without its quotes (escapes counted, not unescaped into a string).
            JsonValueKind.String => UnescapedLength(raw[1..^1]),
            JsonValueKind.True => bool.TrueString.Length,
            JsonValueKind.False => bool.FalseString.Length,
            JsonValueKind.Null => 0,
            _ => Encoding.UTF8.GetCharCount(raw),
        };
    }

    /// <summary>
    /// The UTF-16 length of a JSON string's content (already validated) once unescaped: every escape is one UTF-16 unit
    /// (<c>\uXXXX</c> included, a surrogate pair being two escapes), and the UTF-8 between escapes is whole characters,
    /// since escapes are ASCII.
    /// </summary>
    private static int UnescapedLength(ReadOnlySpan<byte> content)
    {
        var length = 0;
        int backslash;
        while ((backslash = content.IndexOf((byte)'\\')) >= 0)
        {
            length += Encoding.UTF8.GetCharCount(content[..backslash]) + 1;
            content = content[(backslash + (content[backslash + 1] == (byte)'u' ? 6 : 2))..];
        }
        return length + Encoding.UTF8.GetCharCount(content);
    }
}
