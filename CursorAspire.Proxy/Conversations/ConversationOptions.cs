namespace CursorAspire.Proxy.Conversations;

/// <summary>
/// Stored conversations of the Responses API (<c>store</c>, <c>previous_response_id</c>): the
/// <c>Proxy:Conversations</c> section.
/// </summary>
public sealed class ConversationOptions
{
    public const string SectionName = "Proxy:Conversations";

    /// <summary>
    /// How long a stored response can be continued, counted from when it was stored. Seven days by default: long
    /// enough for an agent session resumed after a weekend, short enough that an in-memory store stays bounded.
    /// </summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The largest a stored conversation may grow, in stored bytes; a request continuing one past it is refused (400)
    /// and told to start a new one. 64 MiB: several long agent sessions' worth.
    /// </summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;
}
