using CursorAspire.Proxy.Context;
using CursorAspire.Proxy.Tokens;

namespace CursorAspire.Proxy.Compaction;

/// <summary>
/// Makes a conversation that outgrew its model's context window fit again, instead of refusing it: the oldest tool
/// results and tool-call arguments are elided (<see cref="PromptElider"/>), oldest turns first, up to an elision
/// boundary. Before the boundary those are markers; the system prompt, the tool declarations, every text, the user's
/// last message and the latest <see cref="ProtectedTurns"/> turns are never touched.
/// </summary>
/// <remarks>
/// <para>How the boundary is chosen so that consecutive turns of one conversation send a byte-identical prefix (the
/// model server's KV cache and the providers' prompt caches pay only for that), with no state kept between requests:</para>
/// <list type="bullet">
/// <item>Boundaries are turn starts (a user or assistant message), so a tool call and its results go together.</item>
/// <item>They lie on a grid the conversation itself fixes: the k-th boundary is the first turn start before which
/// eliding saves at least k steps, a step being a quarter of the window. Cursor sends the same history every turn, so the
/// k-th boundary is the same message in every later request of the conversation.</item>
/// <item>The smallest k that fits is taken. A conversation only grows, so k never goes back; a step frees about a
/// quarter of the window, so it moves only once every several turns. Between two moves each request starts with every
/// byte of the one before it; when it moves, the bytes before the old boundary still match.</item>
/// <item>Only when no grid boundary fits is everything before the protected turns elided: the last step before refusing.</item>
/// </list>
/// </remarks>
public static class PromptCompactor
{
    /// <summary>The latest turns (a user or assistant message and what follows it) that are never elided.</summary>
    public const int ProtectedTurns = 2;

    /// <summary>A step of the boundary's grid is the window divided by this; the answer's reserve is at most as much.</summary>
    public const int StepsPerWindow = 4;

    /// <summary>Room for the answer when the request sets no <c>max_tokens</c>.</summary>
    public const int DefaultAnswerTokens = 4_096;

    /// <summary>The least room for an answer that makes a request worth sending.</summary>
    public const int MinimumAnswerTokens = 256;

    /// <summary>
    /// The answer room compaction makes: the request's <c>max_tokens</c> (else <see cref="DefaultAnswerTokens"/>), at
    /// most a quarter of the window and at least <see cref="MinimumAnswerTokens"/>.
    /// </summary>
    public static int AnswerReserve(int window, int? maxOutputTokens) =>
        Math.Clamp(maxOutputTokens ?? DefaultAnswerTokens, MinimumAnswerTokens, Math.Max(MinimumAnswerTokens, window / StepsPerWindow));

    /// <summary>
    /// The prompt that fits <paramref name="window"/>: the conversation whole when it fits with its answer's room, else
    /// compacted to the first boundary that leaves that room, else whole if it fits with a minimal answer, else compacted
    /// to the first boundary that leaves a minimal answer; null when nothing fits.
    /// </summary>
    /// <param name="messages">The conversation as the client sent it.</param>
    /// <param name="options">The request's options (its tool declarations count toward the prompt).</param>
    /// <param name="window">The model's context window in tokens.</param>
    /// <param name="maxOutputTokens">The request's <c>max_tokens</c>, if any.</param>
    public static CompactedPrompt? Compact(IReadOnlyList<ChatMessage> messages, ChatOptions? options, int window, int? maxOutputTokens)
    {
        var estimate = TokenEstimator.EstimatePrompt(messages, options);
        var reserve = AnswerReserve(window, maxOutputTokens);
        if (estimate + reserve <= window)
        {
            return new CompactedPrompt(messages, null);
        }

        var elider = new PromptElider(messages);
        var boundaries = Boundaries(messages, elider, window);
        return CompactTo(messages, options, elider, boundaries, estimate, window, reserve)
            ?? (estimate + MinimumAnswerTokens <= window
                ? new CompactedPrompt(messages, null)
                : CompactTo(messages, options, elider, boundaries, estimate, window, MinimumAnswerTokens));
    }

    /// <summary>The first boundary whose compacted prompt leaves <paramref name="answerRoom"/> in the window, compacted; null when none does.</summary>
    private static CompactedPrompt? CompactTo(
        IReadOnlyList<ChatMessage> messages, ChatOptions? options, PromptElider elider, List<(int Index, long Saved)> boundaries,
        long estimate, int window, int answerRoom)
    {
        foreach (var (boundary, saved) in boundaries)
        {
            // The character arithmetic rounds differently from a whole estimate: the compacted prompt is measured again.
            if (estimate - saved / TokenEstimator.CharactersPerToken + answerRoom > window)
            {
                continue;
            }
            var counts = new ElisionCounts();
            var compacted = new List<ChatMessage>(messages.Count);
            var untouchable = LastUserMessage(messages);
            for (var i = 0; i < messages.Count; i++)
            {
                compacted.Add(i < boundary && IsElidable(messages[i], i, untouchable) ? elider.Elide(messages[i], ref counts) : messages[i]);
            }
            var compactedEstimate = TokenEstimator.EstimatePrompt(compacted, options);
            if (compactedEstimate + answerRoom <= window)
            {
                return new CompactedPrompt(compacted,
                    // What the markers saved, from its characters: the same number on every turn compacted at this boundary.
                    new PromptCompaction(boundary, counts.ToolResults, counts.ToolArguments, saved / TokenEstimator.CharactersPerToken, compactedEstimate, window, counts.Summary()));
            }
        }
        return null;
    }

    /// <summary>
    /// The boundaries compaction may use, in order, each with the characters eliding everything before it saves: the
    /// grid points (see the remarks), then the start of the protected turns as the last resort.
    /// </summary>
    private static List<(int Index, long Saved)> Boundaries(IReadOnlyList<ChatMessage> messages, PromptElider elider, int window)
    {
        var boundaries = new List<(int, long)>();
        var protectedStart = ProtectedStart(messages);
        var untouchable = LastUserMessage(messages);
        var step = (long)window / StepsPerWindow * TokenEstimator.CharactersPerToken;
        var nextStep = step;
        long saved = 0;
        for (var i = 0; i < protectedStart; i++)
        {
            if (IsElidable(messages[i], i, untouchable))
            {
                saved += elider.Savings(messages[i]);
            }
            var next = i + 1;
            if (saved > 0 && (next == protectedStart || IsTurnStart(messages[next])) && saved >= nextStep)
            {
                boundaries.Add((next, saved));
                nextStep += step * ((saved - nextStep) / step + 1);
            }
        }
        if (saved > 0 && (boundaries.Count == 0 || boundaries[^1].Item1 != protectedStart))
        {
            boundaries.Add((protectedStart, saved));
        }
        return boundaries;
    }

    /// <summary>Where the latest <see cref="ProtectedTurns"/> turns start; 0 when the conversation has no more turns than that.</summary>
    private static int ProtectedStart(IReadOnlyList<ChatMessage> messages)
    {
        var turns = 0;
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (IsTurnStart(messages[i]) && ++turns == ProtectedTurns)
            {
                return i;
            }
        }
        return 0;
    }

    private static int LastUserMessage(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.User)
            {
                return i;
            }
        }
        return -1;
    }

    private static bool IsTurnStart(ChatMessage message) => message.Role == ChatRole.User || message.Role == ChatRole.Assistant;

    /// <summary>The system prompt and the user's last message are never touched, whatever they hold.</summary>
    private static bool IsElidable(ChatMessage message, int index, int untouchable) => message.Role != ChatRole.System && index != untouchable;
}
