namespace CursorAspire.Proxy.Wire;

/// <summary>
/// One inbound request after the wire-in stage: the conversation and options in Microsoft.Extensions.AI terms,
/// plus the few wire facts the wire-out stage needs. Both body shapes (Chat Completions and Responses) end here.
/// </summary>
public sealed class ParsedChatRequest
{
    /// <summary>The model name exactly as the client sent it; echoed back in every chunk.</summary>
    public required string Model { get; init; }

    /// <summary>The conversation, system prompt first.</summary>
    public required List<ChatMessage> Messages { get; init; }

    /// <summary>Generation options, tools (declarations only) and tool mode. <see cref="ChatOptions.ModelId"/> is set by routing.</summary>
    public required ChatOptions Options { get; init; }

    /// <summary>Which body shape arrived.</summary>
    public required RequestShape Shape { get; init; }

    /// <summary>Whether the client asked for a stream.</summary>
    public bool Stream { get; init; }

    /// <summary><c>stream_options.include_usage</c>; the proxy sends a usage chunk regardless (Cursor's context meter uses it).</summary>
    public bool IncludeUsage { get; init; }

    /// <summary>
    /// What the client says identifies its conversation, if anything: Cursor's <c>metadata.cursorConversationId</c>, or
    /// a <c>prompt_cache_key</c> it chose. Keeps one session's requests on one provider prompt cache.
    /// </summary>
    public string? ConversationId { get; init; }

    /// <summary>Responses API: the stored response this request continues, if any.</summary>
    public string? PreviousResponseId { get; init; }

    /// <summary>Responses API: whether to store the response (default true).</summary>
    public bool Store { get; init; } = true;

    /// <summary>
    /// Names of tools the client declared as <c>custom</c> (free-form input, e.g. Cursor's <c>ApplyPatch</c>);
    /// the wire-out stage hands calls to them back in the form the client applies.
    /// </summary>
    public IReadOnlySet<string> CustomToolNames { get; init; } = EmptyNames;

    private static readonly IReadOnlySet<string> EmptyNames = new HashSet<string>();
}
