using System.Runtime.CompilerServices;
using CursorAspire.Proxy.Context;
using CursorAspire.Proxy.Wire;
using CursorAspire.Proxy.Wire.Json;
using OpenAIChat = OpenAI.Chat;

namespace CursorAspire.Proxy.Providers.OpenAI;

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
/// </list>
/// </remarks>
#pragma warning disable SCME0001 // JsonPatch on SDK models: the supported way to read and write a vendor field.
/// <param name="inner">M.E.AI's OpenAI chat client.</param>
/// <param name="sendPromptCacheKey">Whether to send <c>prompt_cache_key</c> (the alias's <c>PromptCaching</c>, default on).</param>
public sealed class OpenAICompatibilityChatClient(IChatClient inner, bool sendPromptCacheKey = true) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(Adapt(messages), Adapt(options), cancellationToken).ConfigureAwait(false);
        if (response.Usage is { } usage && response.RawRepresentation is OpenAIChat.ChatCompletion { Usage: { } raw })
        {
            AddDeepSeekCacheHits(usage, raw);
        }
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(Adapt(messages), Adapt(options), cancellationToken).ConfigureAwait(false))
        {
            if (update.RawRepresentation is OpenAIChat.StreamingChatCompletionUpdate { Usage: { } raw })
            {
                foreach (var usage in update.Contents.OfType<UsageContent>())
                {
                    AddDeepSeekCacheHits(usage.Details, raw);
                }
            }
            yield return update;
        }
    }

    private ChatOptions? Adapt(ChatOptions? options)
    {
        if (!sendPromptCacheKey || ChatCallContext.Of(options)?.PromptCacheKey is not { } key)
        {
            return options;
        }
        var adapted = options!.Clone();
        var previous = adapted.RawRepresentationFactory;
        adapted.RawRepresentationFactory = client =>
        {
            var raw = previous?.Invoke(client) as OpenAIChat.ChatCompletionOptions ?? new OpenAIChat.ChatCompletionOptions();
            raw.Patch.Set("$.prompt_cache_key"u8, key);
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

    private static IEnumerable<ChatMessage> Adapt(IEnumerable<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            yield return message.Role == ChatRole.Assistant && message.Contents.Any(c => c is TextReasoningContent)
                ? WithReasoningContent(message)
                : message;
        }
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
