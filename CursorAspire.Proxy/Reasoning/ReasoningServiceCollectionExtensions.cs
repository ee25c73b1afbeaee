using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Reasoning;

/// <summary>Registers reasoning continuity for thinking models across tool turns.</summary>
public static class ReasoningServiceCollectionExtensions
{
    /// <remarks>
    /// The stage joins a route's pipeline with <see cref="ReasoningChatClientBuilderExtensions.UseReasoningContinuity"/>.
    /// Reasoning lives in the proxy's <c>IDistributedCache</c> (Storage) for <c>Proxy:Reasoning:Ttl</c>.
    /// </remarks>
    public static IServiceCollection AddReasoningContinuity(this IServiceCollection services, IConfiguration configuration) => services
        .AddValidatedOptions<ReasoningOptions, ReasoningOptionsValidator>(configuration.GetSection(ReasoningOptions.SectionName)).Services
        .AddSingleton<ReasoningStore>().AddSingleton<ReasoningMetrics>();
}
