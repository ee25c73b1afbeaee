namespace CursorAspire.Proxy.Providers;

/// <summary>
/// A tool result as a provider without block results takes it: its text, and its images (an Anthropic-shaped
/// <c>tool_result</c> with a screenshot) in a user message right after the turn's results, since OpenAI-compatible
/// upstreams take no image in a tool message and Ollama's clients none at all.
/// </summary>
internal static class ToolResultContents
{
    /// <summary>
    /// The text the model reads: a string as it is (a stored conversation's <see cref="JsonElement"/> string too), the
    /// text parts of a block result joined as they are, anything else as JSON.
    /// </summary>
    public static string Text(FunctionResultContent result) => result.Result switch
    {
        null => string.Empty,
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString()!,
        TextContent text => text.Text,
        IList<AIContent> parts => string.Concat(parts.OfType<TextContent>().Select(t => t.Text)),
        var other => JsonSerializer.Serialize(other, AIJsonUtilities.DefaultOptions),
    };

    /// <summary>
    /// The messages with tool results as text (<paramref name="asText"/> makes the provider's form of one: every result,
    /// or with <paramref name="onlyBlocks"/> those that are not plain strings) and the images of block results in a user
    /// message after the run of tool messages they came in; the list itself when no message needs it.
    /// </summary>
    public static IList<ChatMessage> Flatten(IList<ChatMessage> messages, Func<FunctionResultContent, AIContent> asText, bool onlyBlocks = false)
    {
        if (!AnyToFlatten(messages, onlyBlocks))
        {
            return messages;
        }
        var flattened = new List<ChatMessage>(messages.Count + 1);
        List<AIContent>? images = null;
        foreach (var message in messages)
        {
            if (message.Role != ChatRole.Tool)
            {
                AddImages(flattened, ref images);
                flattened.Add(message);
                continue;
            }
            var contents = new List<AIContent>(message.Contents.Count);
            foreach (var content in message.Contents)
            {
                if (content is not FunctionResultContent result || (onlyBlocks && result.Result is string or null))
                {
                    contents.Add(content);
                    continue;
                }
                contents.Add(asText(result));
                if (result.Result is IList<AIContent> parts)
                {
                    foreach (var part in parts)
                    {
                        if (part is DataContent or UriContent)
                        {
                            (images ??= []).Add(part);
                        }
                    }
                }
            }
            flattened.Add(new ChatMessage(ChatRole.Tool, contents) { AuthorName = message.AuthorName });
        }
        AddImages(flattened, ref images);
        return flattened;
    }

    /// <summary>Whether a tool message holds a result <see cref="Flatten"/> rewrites (indexed: it runs on every request).</summary>
    private static bool AnyToFlatten(IList<ChatMessage> messages, bool onlyBlocks)
    {
        for (var m = 0; m < messages.Count; m++)
        {
            if (messages[m].Role != ChatRole.Tool)
            {
                continue;
            }
            var contents = messages[m].Contents;
            for (var c = 0; c < contents.Count; c++)
            {
                if (contents[c] is FunctionResultContent r && (!onlyBlocks || r.Result is not (string or null)))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static void AddImages(List<ChatMessage> messages, ref List<AIContent>? images)
    {
        if (images is null)
        {
            return;
        }
        messages.Add(new ChatMessage(ChatRole.User, images));
        images = null;
    }
}
