using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using CursorAspire.Proxy.Caching;
using CursorAspire.Proxy.Compaction;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Providers;
using CursorAspire.Proxy.Reasoning;
using CursorAspire.Proxy.Routing;
using Microsoft.Extensions.Caching.Memory;

namespace CursorAspire.Proxy.Pipeline;

/// <summary>
/// One <see cref="IChatClient"/> pipeline per route, built on first use. <see cref="Build"/> is where the stages and
/// their order are written, outermost first.
/// </summary>
/// <remarks>
/// Alias routes are finite (configuration) and kept. Routes to unconfigured models of an <c>AllowAnyModel</c>
/// provider are named by clients, so they are kept in a bounded cache (<see cref="MaxAnyModelPipelines"/>); an evicted
/// pipeline is disposed once the requests still using it end (<see cref="AnyModelPipeline"/>), so its provider client,
/// meter and instruments go with it.
/// </remarks>
public sealed class RoutePipelines(
    IEnumerable<IUpstreamProvider> providers,
    IHttpClientFactory httpClientFactory,
    ILoggerFactory loggerFactory,
    IServiceProvider services,
    IOptions<ProxyOptions> options) : IDisposable
{
    /// <summary>How many pipelines for unconfigured models are kept.</summary>
    public const int MaxAnyModelPipelines = 32;

    private readonly Dictionary<ProviderKind, IUpstreamProvider> _providers = providers.ToDictionary(p => p.Kind);
    private readonly bool _logPrompts = options.Value.LogPrompts;
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _aliases = new(StringComparer.OrdinalIgnoreCase);
    private readonly MemoryCache _anyModel = new(new MemoryCacheOptions { SizeLimit = MaxAnyModelPipelines });
    private readonly StrongBox<int> _liveAnyModel = new();

    public IChatClient Get(ModelRoute route)
    {
        if (route.Alias is { } alias)
        {
            return _aliases.GetOrAdd(alias, _ => new Lazy<IChatClient>(() => Build(route))).Value;
        }
        return _anyModel.GetOrCreate((route.ProviderName, route.UpstreamModel), entry =>
        {
            entry.Size = 1;
            entry.SlidingExpiration = TimeSpan.FromMinutes(30);
            // Also called for an entry the full cache did not take: that pipeline serves this request, then goes.
            entry.RegisterPostEvictionCallback(static (_, value, _, _) => (value as AnyModelPipeline)?.Evict());
            return new AnyModelPipeline(() => Build(route), _liveAnyModel);
        })!;
    }

    /// <summary>Pipelines kept for unconfigured models right now.</summary>
    public int AnyModelPipelineCount => _anyModel.Count;

    /// <summary>Pipelines for unconfigured models built and not yet disposed (kept ones, and evicted ones still in use).</summary>
    public int LiveAnyModelPipelines => Volatile.Read(ref _liveAnyModel.Value);

    /// <summary>A route's pipeline, in the order a request meets its stages; the request's context goes as far as the provider's client.</summary>
    private IChatClient Build(ModelRoute route)
    {
        var provider = ProviderOf(route);
        var client = provider.CreateClient(route, httpClientFactory.CreateClient(provider.HttpClientName));
        return new ChatClientBuilder(client)
            .UseOpenTelemetry(loggerFactory, configure: telemetry => telemetry.EnableSensitiveData = _logPrompts)
            .UseResponseCache(route.ProviderName, enabledForModel: route.Model?.Cache ?? true)
            .UseReasoningContinuity(route, provider.ReasoningDialect(route))
            .UsePromptCompaction(route, (client, cancellationToken) => provider.ContextWindowAsync(route, client, cancellationToken))
            .UseProviderCompatibility(route, provider)
            .Build(services);
    }

    private IUpstreamProvider ProviderOf(ModelRoute route)
    {
        var kind = route.Provider.Kind ?? throw new InvalidOperationException($"Proxy:Providers:{route.ProviderName}:Kind is missing.");
        return _providers.TryGetValue(kind, out var provider)
            ? provider
            : throw new InvalidOperationException($"No upstream provider is registered for provider kind {kind}.");
    }

    public void Dispose()
    {
        foreach (var client in _aliases.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
        // Evicts every entry (its callback disposes the pipeline once idle); disposing the cache alone would not.
        _anyModel.Compact(1.0);
        _anyModel.Dispose();
    }
}
