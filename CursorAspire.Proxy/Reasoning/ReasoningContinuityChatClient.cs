using System.ClientModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Context;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Wire;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Reasoning;

/// <summary>
/// Gives thinking models back the reasoning they wrote with their tool calls. Several refuse the next turn of an agent
/// loop without it (DeepSeek and Kimi: <c>reasoning_content</c> on each assistant tool-call message; Anthropic with
/// thinking: the turn's signed <c>thinking</c> block before its <c>tool_use</c>), and Cursor never sends reasoning back.
/// </summary>
/// <remarks>
/// <para><b>Remember</b>: when an answer carries reasoning and tool calls (streamed or not), the reasoning is stored in its
/// provider's form (text, and Anthropic's signature or redacted data) under the caller's key and each call id, before
/// the stream ends, so the client's next request (which follows the tool results) always finds it.</para>
/// <para><b>Give back</b>: every assistant message with tool calls gets, first in its contents, the reasoning this
/// provider wrote for it: already there (a stored conversation), else from the store. Reasoning on messages without
/// tool calls, and a client's echo (<see cref="ReasoningEcho"/>), never go upstream as such.</para>
/// <para><b>Gone</b> (expired, never stored, another key's, another provider's): an OpenAI-compatible upstream that
/// thinks (a <c>Reasoning</c> alias, or one that answered with reasoning before) gets the client's echo as
/// <c>reasoning_content</c>, or an empty one (DeepSeek checks the field is there, not what it says), and any other
/// OpenAI-compatible alias learns that it thinks from the upstream's first 400 about the field
/// (<see cref="LearnsToGiveReasoningBack"/>); Ollama gets the echo as <c>thinking</c> or nothing (it does not require
/// it); Anthropic cannot take unsigned thinking, so that request goes without extended thinking, which the API
/// accepts.</para>
/// </remarks>
public sealed class ReasoningContinuityChatClient(
    IChatClient inner,
    ModelRoute route,
    ReasoningStore store,
    ReasoningMetrics metrics,
    ILogger<ReasoningContinuityChatClient> logger) : DelegatingChatClient(inner)
{
    private readonly KeyValuePair<string, object?> _providerTag = new("cursoraspire.provider", route.ProviderName);

    // Set once this route answered with reasoning: an OpenAI-compatible upstream that writes reasoning_content takes
    // it back, while one that never did (OpenAI itself) may refuse the unknown field.
    private volatile bool _writesReasoning;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var keyId = ChatCallContext.Of(options)?.KeyId ?? string.Empty;
        var knewItThinks = KnowsItThinks;
        var (restored, restoredOptions) = await GiveBackAsync(messages, options, keyId, cancellationToken).ConfigureAwait(false);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(restored, restoredOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!knewItThinks && LearnsToGiveReasoningBack(ex))
        {
            (restored, restoredOptions) = await GiveBackAsync(messages, options, keyId, cancellationToken).ConfigureAwait(false);
            response = await base.GetResponseAsync(restored, restoredOptions, cancellationToken).ConfigureAwait(false);
        }
        await RememberAsync(response.Messages, keyId, cancellationToken).ConfigureAwait(false);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var keyId = ChatCallContext.Of(options)?.KeyId ?? string.Empty;
        var knewItThinks = KnowsItThinks;
        var (restored, restoredOptions) = await GiveBackAsync(messages, options, keyId, cancellationToken).ConfigureAwait(false);
        var updates = base.GetStreamingResponseAsync(restored, restoredOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
        List<ChatResponseUpdate>? kept = null;
        try
        {
            bool more;
            try
            {
                more = await updates.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (!knewItThinks && LearnsToGiveReasoningBack(ex))
            {
                await updates.DisposeAsync().ConfigureAwait(false);
                (restored, restoredOptions) = await GiveBackAsync(messages, options, keyId, cancellationToken).ConfigureAwait(false);
                updates = base.GetStreamingResponseAsync(restored, restoredOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
                more = await updates.MoveNextAsync().ConfigureAwait(false);
            }
            for (; more; more = await updates.MoveNextAsync().ConfigureAwait(false))
            {
                var update = updates.Current;
                if (HasReasoningOrCall(update))
                {
                    (kept ??= []).Add(update);
                }
                yield return update;
            }
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }
        if (kept is not null)
        {
            // Before the stream ends: the client sends its next request only after it saw the end.
            await RememberAsync(kept.ToChatResponse().Messages, keyId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether <paramref name="ex"/> is an OpenAI-compatible upstream refusing a tool-call turn without
    /// <c>reasoning_content</c> (DeepSeek's and Kimi's 400) on a route not yet known to think: an alias without
    /// <c>Reasoning</c> whose stored reasoning is gone and that has not answered with reasoning since the proxy started.
    /// Then the route is known to think from now on, and the caller sends the request once more, with the field filled in,
    /// instead of handing the user a 400 only configuration would fix.
    /// </summary>
    /// <remarks>Callers check <see cref="KnowsItThinks"/> as it was when their request went, so that concurrent requests refused alike each go again.</remarks>
    private bool LearnsToGiveReasoningBack(Exception ex)
    {
        if (route.Provider.Kind != ProviderKind.OpenAI)
        {
            return false;
        }
        var badRequest = ex is ClientResultException { Status: 400 } or HttpRequestException { StatusCode: System.Net.HttpStatusCode.BadRequest };
        if (!badRequest || !ex.Message.Contains("reasoning_content", StringComparison.Ordinal))
        {
            return false;
        }
        _writesReasoning = true;
        logger.LogInformation("{Provider} wants reasoning_content on earlier tool-call turns; the proxy now gives it back on every request to this alias (set Proxy:Models:<alias>:Reasoning to true to start that way).", route.ProviderName);
        return true;
    }

    /// <summary>Whether an OpenAI-compatible upstream gets <c>reasoning_content</c> back even when it is gone.</summary>
    private bool KnowsItThinks => route.AcceptsReasoningEffort || _writesReasoning;

    private async Task RememberAsync(IList<ChatMessage> output, string keyId, CancellationToken cancellationToken)
    {
        List<TextReasoningContent>? reasoning = null;
        List<string>? callIds = null;
        foreach (var message in output)
        {
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextReasoningContent r when r.Text.Length > 0 || r.ProtectedData is not null:
                        (reasoning ??= []).Add(new TextReasoningContent(r.Text) { ProtectedData = r.ProtectedData });
                        break;
                    case FunctionCallContent { CallId.Length: > 0 } call:
                        (callIds ??= []).Add(call.CallId);
                        break;
                }
            }
        }
        if (reasoning is null)
        {
            return;
        }
        _writesReasoning = true;
        if (callIds is null)
        {
            return;
        }
        try
        {
            if (await store.SaveAsync(keyId, callIds, new StoredReasoning(route.ProviderName, reasoning), cancellationToken).ConfigureAwait(false))
            {
                metrics.Stored.Add(1, _providerTag);
                return;
            }
            logger.LogWarning("Reasoning of a tool-call turn from {Provider} is over Proxy:Reasoning:MaxBytes and was not stored; its next request is treated as a miss.", route.ProviderName);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The answer is still good; only the next turn may miss its reasoning.
            logger.LogWarning(ex, "Could not store the reasoning of a tool-call turn from {Provider}.", route.ProviderName);
        }
        metrics.NotStored.Add(1, _providerTag);
    }

    private async Task<(IEnumerable<ChatMessage>, ChatOptions?)> GiveBackAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, string keyId, CancellationToken cancellationToken)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        if (!NeedsWork(list))
        {
            return (list, options);
        }

        // Look up every tool-call turn that lacks this provider's own reasoning, all at once.
        var lookups = new Task<StoredReasoning?>?[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            if (FirstCallId(list[i]) is { } callId && !HasOwnReasoning(list[i]))
            {
                lookups[i] = LoadAsync(keyId, callId, cancellationToken);
            }
        }
        await Task.WhenAll(lookups.OfType<Task<StoredReasoning?>>()).ConfigureAwait(false);

        var lastUser = LastIndexOf(list, ChatRole.User);
        var thinking = options?.Reasoning is not null;
        var withoutThinking = false;
        int restored = 0, missed = 0;
        var result = new List<ChatMessage>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            var message = list[i];
            if (message.Role != ChatRole.Assistant || !message.Contents.Any(c => c is TextReasoningContent or FunctionCallContent))
            {
                result.Add(message);
                continue;
            }
            if (!message.Contents.Any(c => c is FunctionCallContent))
            {
                // Reasoning of a turn without tool calls is never required, and an echo must not go upstream as text.
                result.Add(WithReasoning(message, []));
                continue;
            }
            if (HasOwnReasoning(message))
            {
                result.Add(WithReasoning(message, [.. message.Contents.OfType<TextReasoningContent>().Where(IsOwn)]));
                continue;
            }
            if (lookups[i]?.Result is { } stored && string.Equals(stored.Provider, route.ProviderName, StringComparison.OrdinalIgnoreCase))
            {
                restored++;
                result.Add(WithReasoning(message, stored.Items));
                continue;
            }

            var echo = EchoOf(message);
            if (KnowsItThinks || echo.Length > 0)
            {
                missed++;
            }
            switch (route.Provider.Kind)
            {
                case ProviderKind.Anthropic:
                    // Unsigned thinking is refused; a final turn without thinking is refused only while thinking is on.
                    withoutThinking |= thinking && i > lastUser;
                    result.Add(WithReasoning(message, []));
                    break;
                case ProviderKind.OpenAI when KnowsItThinks:
                    result.Add(WithReasoning(message, [new TextReasoningContent(echo)]));
                    break;
                case ProviderKind.Ollama when echo.Length > 0:
                    result.Add(WithReasoning(message, [new TextReasoningContent(echo)]));
                    break;
                default:
                    result.Add(WithReasoning(message, []));
                    break;
            }
        }

        Report(restored, missed, withoutThinking);
        if (withoutThinking)
        {
            options = options!.Clone();
            options.Reasoning = null;
        }
        return (result, options);
    }

    private async Task<StoredReasoning?> LoadAsync(string keyId, string callId, CancellationToken cancellationToken)
    {
        try
        {
            return await store.LoadAsync(keyId, callId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An unreadable store is a miss: the request still goes, with what the provider can take.
            logger.LogWarning(ex, "Could not read stored reasoning for {Provider}; treating it as missing.", route.ProviderName);
            return null;
        }
    }

    private void Report(int restored, int missed, bool withoutThinking)
    {
        Activity.Current?.SetTag("cursoraspire.reasoning.restored", restored);
        if (restored > 0)
        {
            metrics.Restored.Add(restored, _providerTag);
        }
        if (missed > 0)
        {
            Activity.Current?.SetTag("cursoraspire.reasoning.missed", missed);
            metrics.Missed.Add(missed, _providerTag);
            logger.LogInformation(withoutThinking
                ? "Reasoning of {Count} earlier tool-call turn(s) is no longer stored (Proxy:Reasoning:Ttl, another key, or another model); {Provider} gets this request without extended thinking."
                : "Reasoning of {Count} earlier tool-call turn(s) is no longer stored (Proxy:Reasoning:Ttl, another key, or another model); {Provider} gets what the client kept of it.",
                missed, route.ProviderName);
        }
    }

    private bool IsOwn(TextReasoningContent reasoning) =>
        !ReasoningEcho.IsEcho(reasoning) && string.Equals(ReasoningProvenance.Of(reasoning), route.ProviderName, StringComparison.OrdinalIgnoreCase);

    private bool HasOwnReasoning(ChatMessage message) => message.Contents.Any(c => c is TextReasoningContent r && IsOwn(r));

    private static bool NeedsWork(IList<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.Assistant && message.Contents.Any(c => c is TextReasoningContent or FunctionCallContent))
            {
                return true;
            }
        }
        return false;
    }

    private static bool HasReasoningOrCall(ChatResponseUpdate update)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextReasoningContent or FunctionCallContent)
            {
                return true;
            }
        }
        return false;
    }

    private static string? FirstCallId(ChatMessage message) =>
        message.Role == ChatRole.Assistant ? message.Contents.OfType<FunctionCallContent>().FirstOrDefault(c => c.CallId.Length > 0)?.CallId : null;

    private static int LastIndexOf(IList<ChatMessage> messages, ChatRole role)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == role)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The client's copy of the turn's reasoning, joined; empty when it kept none (Cursor, mostly).</summary>
    private static string EchoOf(ChatMessage message) =>
        HasReasoning(message)
            ? string.Join("\n", message.Contents.OfType<TextReasoningContent>().Select(r => r.Text).Where(t => t.Length > 0))
            : string.Empty;

    private static bool HasReasoning(ChatMessage message) => message.Contents.Any(c => c is TextReasoningContent);

    /// <summary>The message with <paramref name="reasoning"/> first and everything but reasoning after it, in order.</summary>
    private static ChatMessage WithReasoning(ChatMessage message, IReadOnlyCollection<TextReasoningContent> reasoning)
    {
        if (reasoning.Count == 0 && !HasReasoning(message))
        {
            // Nothing to take out or put in, as on most of Cursor's tool-call turns: the message itself, not a copy.
            return message;
        }
        var contents = new List<AIContent>(reasoning);
        contents.AddRange(message.Contents.Where(c => c is not TextReasoningContent));
        return new ChatMessage(message.Role, contents)
        {
            AuthorName = message.AuthorName,
            MessageId = message.MessageId,
            AdditionalProperties = message.AdditionalProperties,
        };
    }
}
