using CursorAspire.Proxy.Routing;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Pipeline;

/// <summary>
/// A middleware stage added to every route's pipeline between telemetry and the provider (the response cache is
/// one). Stages are applied in registration order, outermost first.
/// </summary>
public interface IChatPipelineStage
{
    void Configure(ChatClientBuilder builder, ModelRoute route);
}
