namespace CursorAspire.Proxy.Caching;

/// <summary>Adds the response cache to a chat client pipeline.</summary>
public static class ResponseCacheChatClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="ResponseCachingChatClient"/> at this point of the pipeline. Place it after
    /// <c>UseOpenTelemetry()</c> and before the provider's own middleware, so the key is computed on the routed request.
    /// The services come from <see cref="ResponseCacheServiceCollectionExtensions.AddResponseCache"/>, resolved from the
    /// provider passed to <c>Build(services)</c>.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="providerName">The provider this pipeline calls (for example <c>ollama</c>); part of the cache key.</param>
    /// <param name="enabledForModel">The route's cache switch, <c>Proxy:Models:&lt;alias&gt;:Cache</c>. When <see langword="false"/> every
    /// request through this pipeline is a bypass.</param>
    public static ChatClientBuilder UseResponseCache(this ChatClientBuilder builder, string providerName, bool enabledForModel = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        return builder.Use((inner, services) => new ResponseCachingChatClient(
            inner,
            providerName,
            services.GetRequiredService<ResponseCacheStore>(),
            services.GetRequiredService<InFlightCoalescer>(),
            services.GetRequiredService<ResponseCacheMetrics>(),
            services.GetRequiredService<IOptions<ResponseCacheOptions>>(),
            enabledForModel,
            services.GetService<ILogger<ResponseCachingChatClient>>()));
    }
}
