using System.Runtime.CompilerServices;
using CursorAspire.Proxy.Context;
using CursorAspire.Proxy.Wire.Json;
using OpenAIChat = OpenAI.Chat;

namespace CursorAspire.Proxy.Providers.OpenAI;

#pragma warning disable SCME0001 // JsonPatch on SDK models: the supported way to read and write a vendor field.
/// <summary>
/// Papers over what M.E.AI's OpenAI client does differently from what OpenAI-compatible upstreams need.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Reasoning on an assistant message goes back as <c>reasoning_content</c> (DeepSeek's and Kimi's field, which they
/// require on tool-call turns in thinking mode): the client reads that field from answers but drops it from requests,
/// so such a message is sent as the OpenAI SDK's own message with the field added. Only the reasoning stage puts
/// reasoning on a request's messages, and only for upstreams that use the field.</item>
/// <item>Sends the turn's <see cref="ChatCallContext.PromptCacheKey"/> as <c>prompt_cache_key</c>, so one agent session's requests
/// land on one prompt cache (the client has no option for it); not with <c>PromptCaching: false</c>, for an upstream
/// that refuses fields it does not know.</item>
/// <item>Reports DeepSeek's <c>prompt_cache_hit_tokens</c> as cached input tokens, as OpenAI's <c>cached_tokens</c>
/// already are.</item>
/// <item>MiniMax-M (<see cref="OpenAIThinkingFamily.MiniMax"/>) writes its reasoning inside <c>&lt;think&gt;</c> at the
/// start of the content: it is read out as reasoning (<see cref="InlineThinkSplitter"/>), and reasoning given back goes
/// into the content again, in that form, instead of <c>reasoning_content</c>.</item>
/// <item>An Anthropic-shaped <c>tool_result</c> of text and images goes as its text, the images in a user message after the
/// turn's results (<see cref="ToolResultContents"/>): a tool message takes no image.</item>
/// <item>Hands M.E.AI the function tools already converted, once per declaration (<see cref="OpenAIChatTools"/>):
/// M.E.AI would convert every schema again on every request.</item>
/// </list>
/// </remarks>
/// <param name="inner">M.E.AI's OpenAI chat client.</param>
/// <param name="sendPromptCacheKey">Whether to send <c>prompt_cache_key</c> (the alias's <c>PromptCaching</c>, default on).</param>
/// <param name="family">The route's thinking vendor: MiniMax's reasoning travels inside the content.</param>
public sealed class OpenAICompatibilityChatClient(IChatClient inner, bool sendPromptCacheKey = true, OpenAIThinkingFamily family = OpenAIThinkingFamily.Other) : DelegatingChatClient(inner)
{
    private readonly bool _inlineThinking = family == OpenAIThinkingFamily.MiniMax;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(Adapt(messages), Adapt(options), cancellationToken).ConfigureAwait(false);
        if (response.Usage is { } usage && response.RawRepresentation is OpenAIChat.ChatCompletion { Usage: { } raw })
        {
            AddDeepSeekCacheHits(usage, raw);
        }
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
            if (update.RawRepresentation is OpenAIChat.StreamingChatCompletionUpdate { Usage: { } raw })
            {
                foreach (var usage in update.Contents.OfType<UsageContent>())
                {
                    AddDeepSeekCacheHits(usage.Details, raw);
                }
            }
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
        var key = sendPromptCacheKey ? ChatCallContext.Of(options)?.PromptCacheKey : null;
        if (options is null || (key is null && options.Tools is not { Count: > 0 }))
        {
            return options;
        }
        var adapted = options.Clone();
        // Function tools go converted once per declaration (OpenAIChatTools), not per request by M.E.AI.
        var tools = OpenAIChatTools.Take(adapted);
        if (key is null && tools is null)
        {
            return options;
        }
        var previous = adapted.RawRepresentationFactory;
        adapted.RawRepresentationFactory = client =>
        {
            var raw = previous?.Invoke(client) as OpenAIChat.ChatCompletionOptions ?? new OpenAIChat.ChatCompletionOptions();
            tools?.AddTo(raw);
            if (key is not null)
            {
                raw.Patch.Set("$.prompt_cache_key"u8, key);
            }
            return raw;
        };
        return adapted;
    }

    private static void AddDeepSeekCacheHits(UsageDetails usage, OpenAIChat.ChatTokenUsage raw)
    {
        if (usage.CachedInputTokenCount is null && raw.Patch.TryGetValue("$.prompt_cache_hit_tokens"u8, out long hits))
        {
            usage.CachedInputTokenCount = hits;
        }
    }

    private IEnumerable<ChatMessage> Adapt(IEnumerable<ChatMessage> messages)
    {
        var list = ToolResultContents.Flatten(messages as IList<ChatMessage> ?? [.. messages],
            result => new FunctionResultContent(result.CallId, ToolResultContents.Text(result)), onlyBlocks: true);
        foreach (var message in list)
        {
            yield return message.Role != ChatRole.Assistant || !message.Contents.Any(c => c is TextReasoningContent) ? message
                : _inlineThinking ? WithInlineThinking(message)
                : WithReasoningContent(message);
        }
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

    private static ChatMessage WithReasoningContent(ChatMessage message)
    {
        var calls = message.Contents.OfType<FunctionCallContent>()
            .Select(c => OpenAIChat.ChatToolCall.CreateFunctionToolCall(c.CallId, c.Name, BinaryData.FromBytes(WireJson.SerializeArguments(c))))
            .ToList();
        var raw = calls.Count > 0 ? new OpenAIChat.AssistantChatMessage(calls) : new OpenAIChat.AssistantChatMessage(string.Empty);
        var text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
        if (text.Length > 0)
        {
            raw.Content.Clear();
            raw.Content.Add(OpenAIChat.ChatMessageContentPart.CreateTextPart(text));
        }
        var reasoning = string.Join("\n", message.Contents.OfType<TextReasoningContent>().Select(r => r.Text).Where(t => t.Length > 0));
        // As JSON: the string overload refuses an empty value, and DeepSeek takes an empty reasoning_content.
        raw.Patch.Set("$.reasoning_content"u8, JsonSerializer.SerializeToUtf8Bytes(reasoning, WireJson.StringSerializerOptions).AsSpan());
        return new ChatMessage(ChatRole.Assistant, message.Contents) { RawRepresentation = raw, AuthorName = message.AuthorName };
    }
}
#pragma warning restore SCME0001
