namespace CursorAspire.Proxy.Context;

/// <summary>
/// One request as the stages of a route's <see cref="IChatClient"/> pipeline know it: who is calling, its provider
/// prompt-cache key, the response cache's scope (which also carries the cache's outcome back), and the proxy's token
/// for the upstream call being made.
/// </summary>
/// <remarks>
/// <para>It travels as one typed property of the request's options (<see cref="ChatCallOptions"/>), not as
/// <see cref="ChatOptions.AdditionalProperties"/> entries: nothing of it is part of a cache key or of a span's options,
/// and it is taken off at one point, right before the provider's client (<c>UseProviderCompatibility</c>).</para>
/// <para>Below the <see cref="IChatClient"/> layer (the upstream HTTP handler, which the provider SDKs call) it is found
/// on the request's <c>HttpContext.Features</c>, where the intake puts it.</para>
/// </remarks>
/// <param name="keyId">The caller's key identity (<c>ApiKeyIdentity.Id</c>, never the key): state kept per key is kept under it.</param>
/// <param name="cache">The response cache's scope; without one the request bypasses the cache.</param>
/// <param name="promptCacheKey">The provider prompt-cache key of the request's conversation (<see cref="Context.PromptCacheKey"/>).</param>
public sealed class ChatCallContext(string keyId, ResponseCacheScope? cache = null, string? promptCacheKey = null)
{
    /// <summary>The caller's key identity.</summary>
    public string KeyId { get; } = keyId;

    /// <summary>The response cache's scope, or null when the request is not to be cached.</summary>
    public ResponseCacheScope? Cache { get; } = cache;

    /// <summary>The provider prompt-cache key (OpenAI's <c>prompt_cache_key</c>), if the request has one.</summary>
    public string? PromptCacheKey { get; } = promptCacheKey;

    /// <summary>
    /// The proxy's token for the upstream call in progress (its first-byte, idle and total deadlines), set by the call
    /// policy before each attempt. The HTTP layer closes the upstream response on it too: some clients do not pass the
    /// token on to their reads.
    /// </summary>
    public CancellationToken CallToken { get; set; }

    /// <summary>
    /// What compaction elided from the prompt of the upstream call in progress, or null when it sent the prompt whole.
    /// Set by the compaction stage on each attempt, so a fallback that did not compact clears it.
    /// </summary>
    public PromptCompaction? Compaction { get; set; }

    /// <summary>The context <paramref name="options"/> carry, or null when they carry none.</summary>
    public static ChatCallContext? Of(ChatOptions? options) => (options as ChatCallOptions)?.Context;
}
