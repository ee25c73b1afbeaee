using CursorAspire.Proxy.Providers.Ollama;
using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Usage;

/// <summary>
/// How many tokens a request of a budgeted key may write, as its reservation counts them: its output limit after the
/// route's floor and clamp (<c>MinOutputTokens</c>, <c>MaxOutputTokens</c>), else what its provider would allow it
/// anyway (<c>Proxy:Providers:&lt;name&gt;:MaxOutputTokens</c>; Ollama's planned answer room; Anthropic's default, raised
/// to the route's floor), else <see cref="Default"/>. That limit is then set on the request, so it cannot write more
/// than was reserved.
/// </summary>
public static class OutputRoom
{
    /// <summary>The room of a request that states no limit, where its provider has none either (Anthropic's default too).</summary>
    public const int Default = 8_192;

    /// <summary>Sets each route's output limit where the request states none; returns the largest, which is reserved.</summary>
    public static long Apply(ChatTurn turn)
    {
        long most = 0;
        foreach (var attempt in turn.Routes)
        {
            var route = attempt.Route;
            var room = attempt.Options.MaxOutputTokens
                ?? Math.Max(route.Provider.MaxOutputTokens ?? (route.Provider.Kind == ProviderKind.Ollama ? ContextWindowPlanner.DefaultAnswerTokens : Default), route.MinOutputTokens ?? 0);
            attempt.Options.MaxOutputTokens = room;
            most = Math.Max(most, room);
        }
        return most;
    }
}
