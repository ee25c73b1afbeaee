using CursorAspire.Proxy.Routing;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Pipeline;

/// <summary>One route a turn may be answered by: the route, its pipeline, and the request's options pointed at it.</summary>
public sealed record RouteAttempt(ModelRoute Route, IChatClient Client, ChatOptions Options);
