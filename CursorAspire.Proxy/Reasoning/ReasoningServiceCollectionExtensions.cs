namespace CursorAspire.Proxy.Reasoning;

/// <summary>Registers reasoning continuity for thinking models across tool turns.</summary>
public static class ReasoningServiceCollectionExtensions
{
    /// <remarks>
    /// The stage joins a route's pipeline with <see cref="ReasoningChatClientBuilderExtensions.UseReasoningContinuity"/>.
    /// Reasoning lives in the proxy's <c>IDistributedCache</c> (Storage) for <c>Proxy:Reasoning:Ttl</c>.
    /// </remarks>
    public static IServiceCollection AddReasoningContinuity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReasoningOptions>()
            .Bind(configuration.GetSection(ReasoningOptions.SectionName))
            .Validate(o => o.Ttl > TimeSpan.Zero, $"{ReasoningOptions.SectionName}:Ttl must be a positive time span, e.g. 7.00:00:00.")
            .Validate(o => o.MaxBytes > 0, $"{ReasoningOptions.SectionName}:MaxBytes must be positive.")
            .ValidateOnStart();
        services.AddSingleton<ReasoningStore>();
        services.AddSingleton<ReasoningMetrics>();
        return services;
    }
}
