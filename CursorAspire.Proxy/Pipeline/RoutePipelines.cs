using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Providers;
using CursorAspire.Proxy.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace CursorAspire.Proxy.Pipeline;

/// <summary>
/// One <see cref="IChatClient"/> pipeline per route, built on first use:
/// telemetry ► stages (<see cref="IChatPipelineStage"/>, e.g. the response cache) ► provider quirks ► provider client.
/// </summary>
/// <remarks>
/// Alias routes are finite (configuration) and kept. Routes to unconfigured models of an <c>AllowAnyModel</c>
/// provider are named by clients, so they are kept in a bounded cache (<see cref="MaxAnyModelPipelines"/>, least
/// recently used first out); an evicted pipeline is not disposed, as a request may still be using it.
/// </remarks>
public sealed class RoutePipelines(
    IEnumerable<IUpstreamChatClientFactory> factories,
    IHttpClientFactory httpClientFactory,
    ILoggerFactory loggerFactory,
    IServiceProvider services,
    IOptions<ProxyOptions> options,
    IEnumerable<IChatPipelineStage> stages) : IDisposable
{
    /// <summary>How many pipelines for unconfigured models are kept.</summary>
    public const int MaxAnyModelPipelines = 32;

    private readonly Dictionary<ProviderKind, IUpstreamChatClientFactory> _factories = factories.ToDictionary(f => f.Kind);
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _aliases = new(StringComparer.OrdinalIgnoreCase);
    private readonly MemoryCache _anyModel = new(new MemoryCacheOptions { SizeLimit = MaxAnyModelPipelines });

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
            return Build(route);
        })!;
    }

    /// <summary>Pipelines kept for unconfigured models right now.</summary>
    public int AnyModelPipelineCount => _anyModel.Count;

    private IChatClient Build(ModelRoute route)
    {
        var kind = route.Provider.Kind ?? throw new InvalidOperationException($"Proxy:Providers:{route.ProviderName}:Kind is missing.");
        if (!_factories.TryGetValue(kind, out var factory))
        {
            throw new InvalidOperationException($"No upstream factory is registered for provider kind {kind}.");
        }
        var inner = factory.Create(route, httpClientFactory.CreateClient(factory.HttpClientName));

        var builder = new ChatClientBuilder(inner)
            .UseOpenTelemetry(loggerFactory, configure: telemetry => telemetry.EnableSensitiveData = options.Value.LogPrompts);
        foreach (var stage in stages)
        {
            stage.Configure(builder, route);
        }
        return builder.Build(services);
    }

    public void Dispose()
    {
        foreach (var client in _aliases.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
        _anyModel.Dispose();
    }
}
