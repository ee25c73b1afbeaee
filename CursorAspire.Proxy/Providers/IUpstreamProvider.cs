using CursorAspire.Proxy.Providers.Http;
using CursorAspire.Proxy.Reasoning;
using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Providers;

/// <summary>
/// One kind of upstream (<see cref="ProviderKind"/>): its own client, what papers over where that client differs from
/// what Cursor sends, and how it takes reasoning back. Its folder holds all three (<c>Providers/&lt;Kind&gt;/</c>).
/// </summary>
public interface IUpstreamProvider
{
    /// <summary>The kind of upstream this is.</summary>
    ProviderKind Kind { get; }

    /// <summary>
    /// The named HTTP client (<see cref="UpstreamHttp"/>) this kind's calls go through: by default the one that raises an
    /// error status with the upstream's own words (<see cref="UpstreamErrorBodyHandler"/>).
    /// </summary>
    string HttpClientName => UpstreamHttp.ErrorBodyClientName;

    /// <summary>The provider's own client for one route (provider, upstream model and its settings), over the given HTTP client.</summary>
    IChatClient CreateClient(ModelRoute route, HttpClient http);

    /// <summary>How the upstream behind <paramref name="route"/> takes reasoning back on earlier tool-call turns.</summary>
    IReasoningDialect ReasoningDialect(ModelRoute route);

    /// <summary>
    /// The provider's compatibility stage over <paramref name="inner"/> (the provider's client from
    /// <see cref="CreateClient"/>, behind the point where the request's context is taken off).
    /// </summary>
    IChatClient AddCompatibility(IChatClient inner, ModelRoute route);

    /// <summary>
    /// The context window of <paramref name="route"/>'s model in tokens, for compaction: configured
    /// (<see cref="ModelRoute.ContextLength"/>), else what the upstream reports, if it can tell (through
    /// <paramref name="client"/>, the route's pipeline below the asking stage); null when unknown.
    /// </summary>
    ValueTask<int?> ContextWindowAsync(ModelRoute route, IChatClient client, CancellationToken cancellationToken) =>
        ValueTask.FromResult(route.ContextLength);
}
