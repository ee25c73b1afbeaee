namespace CursorAspire.Proxy.Reasoning;

/// <summary>
/// How one provider takes reasoning back on the earlier tool-call turns of an agent loop, when the reasoning it wrote
/// for a turn is gone (expired, never stored, another key's or another provider's): what the turn carries instead, and
/// whether the provider's refusal says it wanted reasoning back. Each provider's dialect lives with the provider
/// (<c>Providers/&lt;Kind&gt;/</c>); <see cref="ReasoningContinuityChatClient"/> does the rest the same for all.
/// </summary>
public interface IReasoningDialect
{
    /// <summary>What a tool-call turn whose reasoning is gone carries upstream.</summary>
    ReasoningStandIn WhenGone(in GoneReasoning turn);

    /// <summary>
    /// Whether <paramref name="failure"/> is the upstream refusing a request because earlier tool-call turns carry no
    /// reasoning: the route thinks after all, gets reasoning back from then on, and the request goes once more.
    /// </summary>
    bool AsksForReasoningBack(Exception failure) => false;
}
