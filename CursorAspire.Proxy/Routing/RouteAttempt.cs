namespace CursorAspire.Proxy.Routing;

/// <summary>One route a turn may be answered by, and the request's options pointed at it (carrying the request's context).</summary>
public sealed record RouteAttempt(ModelRoute Route, ChatOptions Options);
