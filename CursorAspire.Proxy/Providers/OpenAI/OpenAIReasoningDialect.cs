using CursorAspire.Proxy.Reasoning;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// OpenAI-compatible upstreams that think (DeepSeek, Kimi) refuse a tool-call turn without <c>reasoning_content</c>,
/// while one that never thinks (OpenAI itself) may refuse the unknown field. So a route known to think gets the
/// client's echo when the stored reasoning is gone, or an empty one (DeepSeek checks the field is there, not what it
/// says), and any other route learns that it thinks from the upstream's first 400 about the field.
/// </summary>
public sealed class OpenAIReasoningDialect : IReasoningDialect
{
    public ReasoningStandIn WhenGone(in GoneReasoning turn) =>
        turn.KnownToThink ? new(new TextReasoningContent(turn.Echo)) : ReasoningStandIn.Nothing;

    /// <summary>DeepSeek's and Kimi's 400 about <c>reasoning_content</c> on an earlier tool-call turn.</summary>
    public bool AsksForReasoningBack(Exception failure) => NamesReasoningContent(failure);

    /// <summary>Whether <paramref name="error"/> is a 400 that names <c>reasoning_content</c>.</summary>
    internal static bool NamesReasoningContent(Exception error) =>
        error is HttpRequestException { StatusCode: System.Net.HttpStatusCode.BadRequest }
        && error.Message.Contains("reasoning_content", StringComparison.Ordinal);
}
