using System.Runtime.CompilerServices;
using CursorAspire.Proxy.Context;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// Papers over what the Chat Completions client (<see cref="OpenAIChatCompletionsClient"/>) does not decide for itself: what
/// belongs to one vendor or to the request's context.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Sends the turn's <see cref="ChatCallContext.PromptCacheKey"/> as <c>prompt_cache_key</c>, so one agent session's requests
/// land on one prompt cache (handed to the client as <see cref="OpenAIRequestFields"/>); not with
/// <c>PromptCaching: false</c>, for an upstream that refuses fields it does not know.</item>
/// <item>MiniMax-M (<see cref="OpenAIThinkingFamily.MiniMax"/>) writes its reasoning inside <c>&lt;think&gt;</c> at the
/// start of the content: it is read out as reasoning (<see cref="InlineThinkSplitter"/>), and reasoning given back goes
/// into the content again, in that form, instead of <c>reasoning_content</c> (where the client writes any other
/// model's).</item>
/// <item>An Anthropic-shaped <c>tool_result</c> of text and images goes as its text, the images in a user message after the
/// turn's results (<see cref="ToolResultContents"/>): a tool message takes no image.</item>
/// </list>
/// </remarks>
/// <param name="inner">The route's <see cref="OpenAIChatCompletionsClient"/>.</param>
/// <param name="sendPromptCacheKey">Whether to send <c>prompt_cache_key</c> (the alias's <c>PromptCaching</c>, default on).</param>
/// <param name="family">The route's thinking vendor: MiniMax's reasoning travels inside the content.</param>
public sealed class OpenAICompatibilityChatClient(IChatClient inner, bool sendPromptCacheKey = true, OpenAIThinkingFamily family = OpenAIThinkingFamily.Other) : DelegatingChatClient(inner)
{
    private readonly bool _inlineThinking = family == OpenAIThinkingFamily.MiniMax;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(Adapt(messages), Adapt(options), cancellationToken).ConfigureAwait(false);
        if (_inlineThinking)
        {
            foreach (var message in response.Messages)
            {
                message.Contents = SplitThinking(message.Contents);
            }
        }
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var splitter = _inlineThinking ? new InlineThinkSplitter() : null;
        ChatResponseUpdate? last = null;
        await foreach (var update in base.GetStreamingResponseAsync(Adapt(messages), Adapt(options), cancellationToken).ConfigureAwait(false))
        {
            if (splitter is not null)
            {
                update.Contents = SplitThinking(update.Contents, splitter);
                last = update;
            }
            yield return update;
        }
        if (splitter is not null && last is not null)
        {
            var rest = new List<AIContent>();
            splitter.Flush(rest);
            if (rest.Count > 0)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, rest) { ResponseId = last.ResponseId, MessageId = last.MessageId, ModelId = last.ModelId };
            }
        }
    }

    /// <summary>The contents with each text split into reasoning and text (one answer's pieces through one splitter).</summary>
    private static IList<AIContent> SplitThinking(IList<AIContent> contents, InlineThinkSplitter? splitter = null)
    {
        if (!contents.Any(c => c is TextContent))
        {
            return contents;
        }
        var whole = splitter is null;
        splitter ??= new InlineThinkSplitter();
        var split = new List<AIContent>(contents.Count + 1);
        foreach (var content in contents)
        {
            if (content is TextContent text)
            {
                splitter.Split(text.Text, split);
            }
            else
            {
                split.Add(content);
            }
        }
        if (whole)
        {
            splitter.Flush(split);
        }
        return split;
    }

    private ChatOptions? Adapt(ChatOptions? options)
    {
        if (!sendPromptCacheKey || ChatCallContext.Of(options)?.PromptCacheKey is not { } key)
        {
            return options;
        }
        // A copy (the context goes with it): a fallback to another route must not inherit this route's fields.
        var adapted = options!.Clone();
        var fields = new OpenAIRequestFields(key);
        adapted.RawRepresentationFactory = _ => fields;
        return adapted;
    }

    private IEnumerable<ChatMessage> Adapt(IEnumerable<ChatMessage> messages)
    {
        var list = ToolResultContents.Flatten(messages as IList<ChatMessage> ?? [.. messages],
            result => new FunctionResultContent(result.CallId, ToolResultContents.Text(result)), onlyBlocks: true);
        // Any other model's reasoning goes as reasoning_content, which the client writes from the message as it is.
        return _inlineThinking ? list.Select(m => m.Role == ChatRole.Assistant && m.Contents.Any(c => c is TextReasoningContent) ? WithInlineThinking(m) : m) : list;
    }

    /// <summary>MiniMax: the reasoning back inside the content, in the form the model wrote it.</summary>
    private static ChatMessage WithInlineThinking(ChatMessage message)
    {
        var reasoning = string.Concat(message.Contents.OfType<TextReasoningContent>().Select(r => r.Text));
        var text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
        List<AIContent> contents = reasoning.Length > 0 ? [new TextContent(InlineThinkSplitter.Wrap(reasoning, text))] : text.Length > 0 ? [new TextContent(text)] : [];
        contents.AddRange(message.Contents.Where(c => c is not (TextContent or TextReasoningContent)));
        return new ChatMessage(ChatRole.Assistant, contents) { AuthorName = message.AuthorName };
    }
}
