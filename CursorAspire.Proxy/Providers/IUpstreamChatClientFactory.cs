using CursorAspire.Proxy.Routing;
using Microsoft.Extensions.AI;
using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Providers;

/// <summary>Builds the provider-specific end of a pipeline (quirks ► provider client) for one kind of upstream.</summary>
public interface IUpstreamChatClientFactory
{
    ProviderKind Kind { get; }

    /// <summary>The named HTTP client (<see cref="UpstreamHttp"/>) this kind's calls go through.</summary>
    string HttpClientName => UpstreamHttp.ClientName;

    /// <summary>Creates the client for one route (provider, upstream model and its settings), over the given HTTP client.</summary>
    IChatClient Create(ModelRoute route, HttpClient http);
}
