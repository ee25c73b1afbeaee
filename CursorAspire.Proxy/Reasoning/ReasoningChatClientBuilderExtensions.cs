using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Reasoning;

/// <summary>Adds reasoning continuity to a route's pipeline.</summary>
public static class ReasoningChatClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="ReasoningContinuityChatClient"/> for <paramref name="route"/>, whose provider speaks
    /// <paramref name="dialect"/>, at this point of the pipeline: inside
    /// the response cache (a cached answer's reasoning was remembered when it was first made) and outside the provider's
    /// compatibility stage, which writes the reasoning it gives back in the provider's own fields. Its services come from
    /// <see cref="ReasoningServiceCollectionExtensions.AddReasoningContinuity"/>.
    /// </summary>
    public static ChatClientBuilder UseReasoningContinuity(this ChatClientBuilder builder, ModelRoute route, IReasoningDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(dialect);
        return builder.Use((inner, services) => new ReasoningContinuityChatClient(inner, route, dialect,
            services.GetRequiredService<ReasoningStore>(), services.GetRequiredService<ReasoningMetrics>(),
            services.GetRequiredService<ILogger<ReasoningContinuityChatClient>>()));
    }
}
