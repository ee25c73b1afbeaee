using System.Runtime.CompilerServices;
using Anthropic.Models.Messages;
using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Providers.Anthropic;

/// <summary>
/// Papers over what the Anthropic M.E.AI adapter does differently from what Cursor expects.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Sends tool results as the plain text Cursor gave: the adapter passes a <see cref="string"/> result as is but
/// JSON-encodes anything else, such as the <see cref="JsonElement"/> string of a stored conversation.</item>
/// <item>Puts the results of one assistant turn's tool calls into one user message, as the Messages API expects
/// them right after the <c>tool_use</c> blocks (the adapter sends one user message per tool message).</item>
/// <item>Drops the tools when the client said <c>tool_choice:"none"</c> (the adapter would send them with
/// <c>tool_choice:{"type":"none"}</c>).</item>
/// <item>Reasoning effort, when routing left one (<see cref="ModelRoute.ApplyTo"/>), becomes an extended-thinking budget.</item>
/// <item>Sends reasoning with opaque data and no text as the <c>redacted_thinking</c> block it was: the adapter decides by
/// the content's raw representation, which stored reasoning and stored conversations do not keep (a thinking block
/// always has text, so no text means redacted).</item>
/// <item>Marks prompt cache breakpoints (<see cref="AnthropicCacheBreakpoints"/>) unless the alias turned
/// <c>PromptCaching</c> off.</item>
/// </list>
/// System messages need nothing: the adapter already sends them as the <c>system</c> parameter.
/// </remarks>
public sealed class AnthropicCompatibilityChatClient(IChatClient inner, ModelRoute route) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (adapted, adaptedOptions) = Prepare(messages, options);
        return base.GetResponseAsync(adapted, adaptedOptions, cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (adapted, adaptedOptions) = Prepare(messages, options);
        await foreach (var update in base.GetStreamingResponseAsync(adapted, adaptedOptions, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private (List<ChatMessage>, ChatOptions?) Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var adapted = Adapt(messages);
        var adaptedOptions = Adapt(options);
        return route.Model?.PromptCaching ?? true
            ? AnthropicCacheBreakpoints.Apply(adapted, adaptedOptions, route.Model?.PromptCacheTtl == "1h" ? Ttl.Ttl1h : Ttl.Ttl5m)
            : (adapted, adaptedOptions);
    }

    private ChatOptions? Adapt(ChatOptions? options)
    {
        if (options is null)
        {
            return null;
        }
        var adapted = options.Clone();
        if (adapted.ToolMode is NoneChatToolMode)
        {
            adapted.Tools = null;
            adapted.ToolMode = null;
        }
        return adapted;
    }

    private static List<ChatMessage> Adapt(IEnumerable<ChatMessage> messages)
    {
        var adapted = new List<ChatMessage>();
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.Assistant && message.Contents.Any(IsRedactedWithoutBlock))
            {
                adapted.Add(new ChatMessage(message.Role, [.. message.Contents.Select(AsRedactedBlock)]) { AuthorName = message.AuthorName });
                continue;
            }
            if (message.Role != ChatRole.Tool)
            {
                adapted.Add(message);
                continue;
            }
            var contents = message.Contents.Select(c => c is FunctionResultContent result ? AsText(result) : c);
            if (adapted.Count > 0 && adapted[^1].Role == ChatRole.Tool)
            {
                // Consecutive tool messages answer the same assistant turn: one user message with all the results.
                adapted[^1] = new ChatMessage(ChatRole.Tool, [.. adapted[^1].Contents, .. contents]);
            }
            else
            {
                adapted.Add(new ChatMessage(ChatRole.Tool, [.. contents]) { AuthorName = message.AuthorName });
            }
        }
        return adapted;
    }

    private static bool IsRedactedWithoutBlock(AIContent content) =>
        content is TextReasoningContent { Text.Length: 0, ProtectedData: not null, RawRepresentation: not RedactedThinkingBlock };

    private static AIContent AsRedactedBlock(AIContent content) =>
        IsRedactedWithoutBlock(content) && content is TextReasoningContent { ProtectedData: { } data }
            ? new TextReasoningContent(string.Empty) { ProtectedData = data, RawRepresentation = new RedactedThinkingBlock(data) }
            : content;

    private static FunctionResultContent AsText(FunctionResultContent result) =>
        new(result.CallId, new ToolResultBlockParamContent(ResultText(result))) { Exception = result.Exception };

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => string.Empty,
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString()!,
        TextContent text => text.Text,
        var other => JsonSerializer.Serialize(other, AIJsonUtilities.DefaultOptions),
    };
}
