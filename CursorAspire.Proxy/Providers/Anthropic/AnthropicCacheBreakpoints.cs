using Anthropic.Models.Messages;
using CursorAspire.Proxy.Wire;

namespace CursorAspire.Proxy.Providers.Anthropic;

/// <summary>
/// Where Anthropic's prompt cache breakpoints go on a Cursor request, at most the four the API allows. Anthropic bills a
/// cached prefix at about a tenth of the input price, but caches only up to blocks marked with <c>cache_control</c>.
/// </summary>
/// <remarks>
/// <para>Ours: after the tool definitions, after the system prompt, and on the two latest user-side turns (so each agent
/// step reads the prefix the step before it wrote). The client's: the <c>cache_control</c> markers Cursor put on system
/// blocks, tools and message blocks of an Anthropic-shaped body (<see cref="ClientCacheBreakpoints"/>), which it sends more
/// of than the API takes. Both are merged and the last four in prompt order (tools, system, messages) are kept: a later
/// breakpoint caches everything before it.</para>
/// <para>Contents are copied before they are marked: the same objects may belong to a stored conversation or a cache
/// entry. A marked tool is handed to the adapter as Anthropic's own tool definition, the only way to mark a tool.</para>
/// </remarks>
internal static class AnthropicCacheBreakpoints
{
    /// <summary>The most breakpoints a request may carry.</summary>
    public const int Max = 4;

    public static (List<ChatMessage> Messages, ChatOptions? Options) Apply(List<ChatMessage> messages, ChatOptions? options, Ttl ttl)
    {
        var chosen = Choose(messages, options?.Tools);
        if (chosen.Count == 0)
        {
            return (messages, options);
        }
        var marked = new List<ChatMessage>(messages);
        List<int>? tools = null;
        foreach (var point in chosen)
        {
            if (point.Message < 0)
            {
                (tools ??= []).Add(point.Content);
            }
            else
            {
                Mark(marked, point.Message, point.Content, ttl);
            }
        }
        return (marked, tools is null ? options : MarkTools(options!, tools, ttl));
    }

    /// <summary>Ours and the client's, in prompt order, the last <see cref="Max"/> of them.</summary>
    private static List<Breakpoint> Choose(List<ChatMessage> messages, IList<AITool>? tools)
    {
        var points = new SortedSet<Breakpoint>();
        if (tools is { Count: > 0 })
        {
            if (tools[^1] is AIFunctionDeclaration)
            {
                points.Add(new Breakpoint(-1, tools.Count - 1));
            }
            for (var i = 0; i < tools.Count; i++)
            {
                if (tools[i] is AIFunctionDeclaration && ClientCacheBreakpoints.IsMarked(tools[i]))
                {
                    points.Add(new Breakpoint(-1, i));
                }
            }
        }
        if (messages.FindLastIndex(m => m.Role == ChatRole.System) is var system and >= 0 && LastMarkable(messages[system]) is var last and >= 0)
        {
            points.Add(new Breakpoint(system, last));
        }
        // The latest user-side turn writes the cache the next step reads; the one before it is where this step reads.
        var turns = 0;
        for (var i = messages.Count - 1; i >= 0 && turns < 2; i--)
        {
            if ((messages[i].Role == ChatRole.User || messages[i].Role == ChatRole.Tool) && LastMarkable(messages[i]) is var content and >= 0)
            {
                points.Add(new Breakpoint(i, content));
                turns++;
            }
        }
        for (var i = 0; i < messages.Count; i++)
        {
            var contents = messages[i].Contents;
            for (var j = 0; j < contents.Count; j++)
            {
                if (ClientCacheBreakpoints.IsMarked(contents[j]) && Markable(contents[j]))
                {
                    points.Add(new Breakpoint(i, j));
                }
            }
        }
        return points.Count <= Max ? [.. points] : [.. points.Skip(points.Count - Max)];
    }

    private static ChatOptions MarkTools(ChatOptions options, List<int> indices, Ttl ttl)
    {
        var tools = new List<AITool>(options.Tools!);
        foreach (var index in indices)
        {
            var declaration = (AIFunctionDeclaration)tools[index];
            var schema = new Dictionary<string, JsonElement>();
            if (declaration.JsonSchema.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in declaration.JsonSchema.EnumerateObject())
                {
                    schema[property.Name] = property.Value;
                }
            }
            tools[index] = AnthropicClientExtensions.AsAITool(new Tool
            {
                Name = declaration.Name,
                Description = declaration.Description,
                InputSchema = new InputSchema(schema),
                CacheControl = new CacheControlEphemeral { Ttl = ttl },
            });
        }
        var adapted = options.Clone();
        adapted.Tools = tools;
        return adapted;
    }

    private static int LastMarkable(ChatMessage message)
    {
        for (var i = message.Contents.Count - 1; i >= 0; i--)
        {
            if (Markable(message.Contents[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>What Anthropic takes a breakpoint on (never thinking blocks).</summary>
    private static bool Markable(AIContent content) => content is TextContent or FunctionResultContent or FunctionCallContent
        || (content is DataContent data && data.HasTopLevelMediaType("image"))
        || (content is UriContent uri && uri.HasTopLevelMediaType("image"));

    /// <summary>Marks content <paramref name="index"/> of message <paramref name="message"/>, in a copy of both.</summary>
    private static void Mark(List<ChatMessage> messages, int message, int index, Ttl ttl)
    {
        var original = messages[message];
        var contents = new List<AIContent>(original.Contents) { [index] = Copy(original.Contents[index]).WithCacheControl(ttl) };
        messages[message] = new ChatMessage(original.Role, contents) { AuthorName = original.AuthorName, AdditionalProperties = original.AdditionalProperties };
    }

    private static AIContent Copy(AIContent content)
    {
        AIContent copy = content switch
        {
            TextContent text => new TextContent(text.Text),
            FunctionResultContent result => new FunctionResultContent(result.CallId, result.Result) { Exception = result.Exception },
            FunctionCallContent call => new FunctionCallContent(call.CallId, call.Name, call.Arguments),
            DataContent data => new DataContent(data.Data, data.MediaType),
            UriContent uri => new UriContent(uri.Uri, uri.MediaType),
            _ => throw new ArgumentException($"Not a content a breakpoint can go on: {content.GetType().Name}.", nameof(content)),
        };
        copy.RawRepresentation = content.RawRepresentation;
        copy.AdditionalProperties = content.AdditionalProperties is { } properties ? new AdditionalPropertiesDictionary(properties) : null;
        return copy;
    }

    /// <summary>A place in prompt order: a tool (<see cref="Message"/> -1, <see cref="Content"/> its index), or a message's content.</summary>
    private readonly record struct Breakpoint(int Message, int Content) : IComparable<Breakpoint>
    {
        public int CompareTo(Breakpoint other) => Message != other.Message ? Message.CompareTo(other.Message) : Content.CompareTo(other.Content);
    }
}
