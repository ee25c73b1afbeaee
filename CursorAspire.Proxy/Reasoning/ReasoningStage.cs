using CursorAspire.Proxy.Pipeline;
using CursorAspire.Proxy.Routing;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Reasoning;

/// <summary>Puts <see cref="ReasoningContinuityChatClient"/> into every route's pipeline, inside the response cache.</summary>
public sealed class ReasoningStage(ReasoningStore store, ReasoningMetrics metrics, ILoggerFactory loggerFactory) : IChatPipelineStage
{
    public void Configure(ChatClientBuilder builder, ModelRoute route) =>
        builder.Use(inner => new ReasoningContinuityChatClient(inner, route, store, metrics, loggerFactory.CreateLogger<ReasoningContinuityChatClient>()));
}
