using CursorAspire.Proxy.Pipeline;
using CursorAspire.Proxy.Routing;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Caching;

/// <summary>Puts the response cache into every route's pipeline, honouring the alias's <c>Cache</c> switch.</summary>
public sealed class ResponseCacheStage : IChatPipelineStage
{
    public void Configure(ChatClientBuilder builder, ModelRoute route) =>
        builder.UseResponseCache(route.ProviderName, enabledForModel: route.Model?.Cache ?? true);
}
