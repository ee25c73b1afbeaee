using System.Diagnostics;
using System.Runtime.CompilerServices;
using CursorAspire.Proxy.Context;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Wire;

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
/// <para><b>Gone</b> (expired, never stored, another key's, another provider's): what the turn carries instead is the
/// provider's to say (its <see cref="IReasoningDialect"/>, e.g. the client's echo, an empty field, or nothing and no
/// extended thinking), knowing whether the route thinks: its alias opted in, it answered with reasoning, or it refused
/// a request for lacking reasoning since the proxy started (<see cref="LearnsToGiveReasoningBack"/>; that request then
/// goes once more).</para>
/// </remarks>
public sealed partial class ReasoningContinuityChatClient(
    IChatClient inner,
    ModelRoute route,
    IReasoningDialect dialect,
    ReasoningStore store,
    ReasoningMetrics metrics,
    ILogger<ReasoningContinuityChatClient> logger) : DelegatingChatClient(inner)
{
    private readonly KeyValuePair<string, object?> _providerTag = new("cursoraspire.provider", route.ProviderName);

    // Set once this route answered with reasoning, or asked for it back: an upstream that writes reasoning takes it
    // back, while one that never did (OpenAI itself) may refuse it.
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
                if (ReasoningMessages.HasReasoningOrCall(update))
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
    /// Whether <paramref name="ex"/> is the upstream refusing a tool-call turn without reasoning
    /// (<see cref="IReasoningDialect.AsksForReasoningBack"/>) on a route not yet known to think: an alias without
    /// <c>Reasoning</c> whose stored reasoning is gone and that has not answered with reasoning since the proxy started.
    /// Then the route is known to think from now on, and the caller sends the request once more, with reasoning given
    /// back, instead of handing the user a 400 only configuration would fix.
    /// </summary>
    /// <remarks>Callers check <see cref="KnowsItThinks"/> as it was when their request went, so that concurrent requests refused alike each go again.</remarks>
    private bool LearnsToGiveReasoningBack(Exception ex)
    {
        if (!dialect.AsksForReasoningBack(ex))
        {
            return false;
        }
        _writesReasoning = true;
        LogGivesReasoningBack(logger, route.ProviderName);
        return true;
    }

    /// <summary>Whether the route thinks: its alias opted in, or it wrote or asked for reasoning since the proxy started.</summary>
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
            LogTooLarge(logger, route.ProviderName);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The answer is still good; only the next turn may miss its reasoning.
            LogNotStored(logger, ex, route.ProviderName);
        }
        metrics.NotStored.Add(1, _providerTag);
    }

    private async Task<(IEnumerable<ChatMessage>, ChatOptions?)> GiveBackAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, string keyId, CancellationToken cancellationToken)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        if (!ReasoningMessages.NeedWork(list))
        {
            return (list, options);
        }

        // Look up every tool-call turn that lacks this provider's own reasoning, all at once.
        var lookups = new Task<StoredReasoning?>?[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            if (ReasoningMessages.FirstCallId(list[i]) is { } callId && !HasOwnReasoning(list[i]))
            {
                lookups[i] = LoadAsync(keyId, callId, cancellationToken);
            }
        }
        await Task.WhenAll(lookups.OfType<Task<StoredReasoning?>>()).ConfigureAwait(false);

        var lastUser = ReasoningMessages.LastIndexOf(list, ChatRole.User);
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
                result.Add(ReasoningMessages.WithReasoning(message, []));
                continue;
            }
            if (HasOwnReasoning(message))
            {
                result.Add(ReasoningMessages.WithReasoning(message, [.. message.Contents.OfType<TextReasoningContent>().Where(IsOwn)]));
                continue;
            }
            if (lookups[i]?.Result is { } stored && string.Equals(stored.Provider, route.ProviderName, StringComparison.OrdinalIgnoreCase))
            {
                restored++;
                result.Add(ReasoningMessages.WithReasoning(message, stored.Items));
                continue;
            }

            var echo = ReasoningMessages.EchoOf(message);
            if (KnowsItThinks || echo.Length > 0)
            {
                missed++;
            }
            var standIn = dialect.WhenGone(new GoneReasoning(echo, KnowsItThinks, thinking, AfterLastUserTurn: i > lastUser)
            {
                SignedCopy = ReasoningMessages.SignedCopyOf(message),
            });
            withoutThinking |= standIn.WithoutThinking;
            result.Add(ReasoningMessages.WithReasoning(message, standIn.All));
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
            LogNotRead(logger, ex, route.ProviderName);
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
            LogMissed(logger, missed, route.ProviderName, withoutThinking ? "this request without extended thinking" : "what the client kept of it");
        }
    }

    private bool IsOwn(TextReasoningContent reasoning) => ReasoningMessages.IsFrom(reasoning, route.ProviderName);

    private bool HasOwnReasoning(ChatMessage message) => ReasoningMessages.HasReasoningFrom(message, route.ProviderName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reasoning of a tool-call turn from {Provider} is over Proxy:Reasoning:MaxBytes and was not stored; its next request is treated as a miss.")]
    private static partial void LogTooLarge(ILogger logger, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the reasoning of a tool-call turn from {Provider}.")]
    private static partial void LogNotStored(ILogger logger, Exception exception, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read stored reasoning for {Provider}; treating it as missing.")]
    private static partial void LogNotRead(ILogger logger, Exception exception, string provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Provider} wants its reasoning back on earlier tool-call turns; the proxy now gives it back on every request to this alias (set Proxy:Models:<alias>:Reasoning to true to start that way).")]
    private static partial void LogGivesReasoningBack(ILogger logger, string provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reasoning of {Count} earlier tool-call turn(s) is no longer stored (Proxy:Reasoning:Ttl, another key, or another model); {Provider} gets {Instead}.")]
    private static partial void LogMissed(ILogger logger, int count, string provider, string instead);
}
