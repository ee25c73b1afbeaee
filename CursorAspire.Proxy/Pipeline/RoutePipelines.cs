using System.Collections.Concurrent;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Providers;
using CursorAspire.Proxy.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace CursorAspire.Proxy.Pipeline;

/// <summary>
/// One <see cref="IChatClient"/> pipeline per route, built on first use and kept:
/// telemetry ► stages (<see cref="IChatPipelineStage"/>, e.g. the response cache) ► provider quirks ► provider client.
/// </summary>
public sealed class RoutePipelines(
    IEnumerable<IUpstreamChatClientFactory> factories,
    IHttpClientFactory httpClientFactory,
    ILoggerFactory loggerFactory,
    IServiceProvider services,
    IOptions<ProxyOptions> options,
    IEnumerable<IChatPipelineStage> stages) : IDisposable
{
    private readonly Dictionary<ProviderKind, IUpstreamChatClientFactory> _factories = factories.ToDictionary(f => f.Kind);
    private readonly ConcurrentDictionary<(string Provider, string Model, string? Alias), Lazy<IChatClient>> _clients = new();

    public IChatClient Get(ModelRoute route) =>
        _clients.GetOrAdd((route.ProviderName, route.UpstreamModel, route.Alias), _ => new Lazy<IChatClient>(() => Build(route))).Value;

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
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }
}
