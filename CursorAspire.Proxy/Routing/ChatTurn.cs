using CursorAspire.Proxy.Context;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Wire;

namespace CursorAspire.Proxy.Routing;

/// <summary>One request on its way upstream: what was asked, the routes that may answer it, and who answered.</summary>
/// <param name="Request">The parsed request.</param>
/// <param name="Routes">The route asked for, then its fallbacks (<c>Proxy:Models:&lt;alias&gt;:Fallbacks</c>) the key may use, in order.</param>
/// <param name="EstimatedPromptTokens">The proxy's prompt-size estimate: usage when the upstream reports none.</param>
/// <param name="Key">The caller's key.</param>
/// <param name="Call">The request's context, which every route's options carry down its pipeline.</param>
public sealed record ChatTurn(ParsedChatRequest Request, IReadOnlyList<RouteAttempt> Routes, long EstimatedPromptTokens, ApiKeyIdentity Key, ChatCallContext Call)
{
    /// <summary>Whether the response cache answered (a replay: nothing was spent upstream).</summary>
    public bool FromResponseCache => Call.Cache?.Outcome == ResponseCacheOutcome.Hit;

    /// <summary>The route the model name resolved to.</summary>
    public ModelRoute Route => Routes[0].Route;

    /// <summary>The route that answered, once one did (a fallback when the first failed before the first byte).</summary>
    public ModelRoute? AnsweredBy { get; set; }

    /// <summary>The route whose model wrote the answer: <see cref="AnsweredBy"/> once known, else <see cref="Route"/>.</summary>
    public ModelRoute AnsweringRoute => AnsweredBy ?? Route;

    /// <summary>The model as usage is counted for it: the alias that answered, or <c>provider/model</c> for a direct route (<see cref="ModelRoute.ReportedName"/>).</summary>
    public string UsageModel => AnsweringRoute.ReportedName;
}
