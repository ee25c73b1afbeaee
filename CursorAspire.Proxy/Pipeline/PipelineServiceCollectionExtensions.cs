namespace CursorAspire.Proxy.Pipeline;

/// <summary>Registers the per-route IChatClient pipelines.</summary>
public static class PipelineServiceCollectionExtensions
{
    /// <remarks>The stages' own services are registered by the features that bring them (cache, reasoning, providers).</remarks>
    public static IServiceCollection AddProxyPipeline(this IServiceCollection services) => services.AddSingleton<RoutePipelines>();
}
