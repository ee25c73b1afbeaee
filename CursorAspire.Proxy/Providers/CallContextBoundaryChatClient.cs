using CursorAspire.Proxy.Context;

namespace CursorAspire.Proxy.Providers;

/// <summary>
/// The one point where a request's <see cref="ChatCallContext"/> leaves its options: the provider's client gets plain
/// <see cref="ChatOptions"/>, so nothing the proxy keeps per request can reach an upstream, whatever its SDK does with
/// options it does not know.
/// </summary>
public sealed class CallContextBoundaryChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    /// <inheritdoc />
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, WithoutContext(options), cancellationToken);

    /// <inheritdoc />
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, WithoutContext(options), cancellationToken);

    private static ChatOptions? WithoutContext(ChatOptions? options) => options is ChatCallOptions call ? call.WithoutContext() : options;
}
