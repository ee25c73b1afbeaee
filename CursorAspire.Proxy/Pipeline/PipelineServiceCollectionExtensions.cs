namespace CursorAspire.Proxy.Pipeline;

/// <summary>Registers the per-route IChatClient pipelines and the timed upstream call.</summary>
public static class PipelineServiceCollectionExtensions
{
    /// <remarks>Stages (<see cref="IChatPipelineStage"/>) are registered by the features that bring them.</remarks>
    public static IServiceCollection AddProxyPipeline(this IServiceCollection services)
    {
        services.AddSingleton<RoutePipelines>();
        services.AddSingleton<ChatTurnFactory>();
        services.AddSingleton<ProviderResilience>();
        services.AddSingleton<UpstreamCall>();
        return services;
    }
}
