using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Providers;

/// <summary>Adds a provider's compatibility stage, the last stage before the provider's client, to a route's pipeline.</summary>
public static class ProviderCompatibilityChatClientBuilderExtensions
{
    /// <summary>
    /// Adds <paramref name="provider"/>'s compatibility stage for <paramref name="route"/>, then the point where the
    /// request's context is taken off (<see cref="CallContextBoundaryChatClient"/>): the provider's client, which the
    /// builder was created over, sees neither.
    /// </summary>
    public static ChatClientBuilder UseProviderCompatibility(this ChatClientBuilder builder, ModelRoute route, IUpstreamProvider provider)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(provider);
        return builder
            .Use(inner => provider.AddCompatibility(inner, route))
            .Use(inner => new CallContextBoundaryChatClient(inner));
    }
}
