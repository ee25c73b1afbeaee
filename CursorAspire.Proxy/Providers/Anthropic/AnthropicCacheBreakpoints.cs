using Anthropic.Models.Messages;

namespace CursorAspire.Proxy.Providers.Anthropic;

/// <summary>
/// Where Anthropic's prompt cache breakpoints go on a Cursor request, at most the four the API allows: after the tool
/// definitions, after the system prompt, and on the two latest user-side turns (so each agent step reads the prefix the
/// step before it wrote). Anthropic bills a cached prefix at about a tenth of the input price, but caches only up to
/// blocks marked with <c>cache_control</c>.
/// </summary>
/// <remarks>
/// Contents are copied before they are marked: the same objects may belong to a stored conversation or a cache entry.
/// The last tool is handed to the adapter as Anthropic's own tool definition, the only way to mark a tool.
/// </remarks>
internal static class AnthropicCacheBreakpoints
{
    /// <summary>The most breakpoints a request may carry.</summary>
    public const int Max = 4;

    public static (List<ChatMessage> Messages, ChatOptions? Options) Apply(List<ChatMessage> messages, ChatOptions? options, Ttl ttl)
    {
        var marked = new List<ChatMessage>(messages);
        var budget = Max;
        options = MarkLastTool(options, ttl, ref budget);
        if (marked.FindLastIndex(m => m.Role == ChatRole.System) is var system and >= 0 && Mark(marked, system, ttl))
        {
            budget--;
        }
        // The latest user-side turn writes the cache the next step reads; the one before it is where this step reads.
        var turns = 0;
        for (var i = marked.Count - 1; i >= 0 && budget > 0 && turns < 2; i--)
        {
            if ((marked[i].Role == ChatRole.User || marked[i].Role == ChatRole.Tool) && Mark(marked, i, ttl))
            {
                budget--;
                turns++;
            }
        }
        return (marked, options);
    }

    private static ChatOptions? MarkLastTool(ChatOptions? options, Ttl ttl, ref int budget)
    {
        if (options?.Tools is not { Count: > 0 } tools || tools[^1] is not AIFunctionDeclaration last)
        {
            return options;
        }
        var schema = new Dictionary<string, JsonElement>();
        if (last.JsonSchema.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in last.JsonSchema.EnumerateObject())
            {
                schema[property.Name] = property.Value;
            }
        }
        var tool = new Tool
        {
            Name = last.Name,
            Description = last.Description,
            InputSchema = new InputSchema(schema),
            CacheControl = new CacheControlEphemeral { Ttl = ttl },
        };
        var adapted = options.Clone();
        adapted.Tools = [.. tools.Take(tools.Count - 1), AnthropicClientExtensions.AsAITool(tool)];
        budget--;
        return adapted;
    }

    /// <summary>Marks the last content of message <paramref name="index"/> that can carry cache control, in a copy.</summary>
    private static bool Mark(List<ChatMessage> messages, int index, Ttl ttl)
    {
        var message = messages[index];
        for (var i = message.Contents.Count - 1; i >= 0; i--)
        {
            if (Copy(message.Contents[i]) is { } copy)
            {
                var contents = new List<AIContent>(message.Contents) { [i] = copy.WithCacheControl(ttl) };
                messages[index] = new ChatMessage(message.Role, contents) { AuthorName = message.AuthorName, AdditionalProperties = message.AdditionalProperties };
                return true;
            }
        }
        return false;
    }

    private static AIContent? Copy(AIContent content)
    {
        AIContent? copy = content switch
        {
            TextContent text => new TextContent(text.Text),
            FunctionResultContent result => new FunctionResultContent(result.CallId, result.Result) { Exception = result.Exception },
            DataContent data when data.HasTopLevelMediaType("image") => new DataContent(data.Data, data.MediaType),
            _ => null,
        };
        if (copy is not null)
        {
            copy.RawRepresentation = content.RawRepresentation;
            copy.AdditionalProperties = content.AdditionalProperties is { } properties ? new AdditionalPropertiesDictionary(properties) : null;
        }
        return copy;
    }
}
