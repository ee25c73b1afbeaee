using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Compaction;

/// <summary>Adds compaction to a route's pipeline.</summary>
public static class PromptCompactionChatClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="PromptCompactionChatClient"/> when <paramref name="route"/>'s alias opted in
    /// (<see cref="ModelRoute.Compaction"/>), at this point of the pipeline: inside the response cache (whose key is the
    /// conversation as the client sent it) and reasoning continuity (whose restored reasoning counts toward the prompt),
    /// outside the provider's compatibility stage, which sizes its own request to the compacted prompt.
    /// </summary>
    /// <param name="builder">The route's pipeline.</param>
    /// <param name="route">The route.</param>
    /// <param name="window">The model's context window, from the client below the stage: configured, or what the provider reports.</param>
    public static ChatClientBuilder UsePromptCompaction(this ChatClientBuilder builder, ModelRoute route, Func<IChatClient, CancellationToken, ValueTask<int?>> window)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(window);
        return route.Compaction
            ? builder.Use((inner, services) => new PromptCompactionChatClient(inner, route, window, services.GetRequiredService<ILogger<PromptCompactionChatClient>>()))
            : builder;
    }
}
