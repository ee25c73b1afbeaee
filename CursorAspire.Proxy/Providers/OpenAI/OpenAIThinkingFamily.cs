namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// Which thinking vendor an OpenAI-compatible route's model is, by its name (the part after the last <c>/</c>, so
/// <c>moonshotai/kimi-k2-thinking</c> on a router counts too): each takes its reasoning back in its own way on the tool
/// turns of an agent loop. The model's name decides, not the endpoint: the same model answers alike wherever it is served.
/// </summary>
public enum OpenAIThinkingFamily
{
    /// <summary>Any other model: DeepSeek's rules where it thinks (<see cref="OpenAIReasoningDialect"/>).</summary>
    Other,

    /// <summary>Moonshot's Kimi K2 (<c>kimi-k2…</c>): <c>reasoning_content</c> on every tool-call turn, refused without.</summary>
    Kimi,

    /// <summary>Zhipu's GLM (<c>glm-…</c>): <c>reasoning_content</c>, taken back for the model's own use, never required.</summary>
    Glm,

    /// <summary>MiniMax-M (<c>minimax-m…</c>): the reasoning inside <c>&lt;think&gt;</c> at the start of the content, which must come back as it was.</summary>
    MiniMax,
}

/// <summary>Tells a model's <see cref="OpenAIThinkingFamily"/> by its name.</summary>
public static class OpenAIThinkingFamilies
{
    public static OpenAIThinkingFamily Of(string model)
    {
        var name = model.AsSpan(model.LastIndexOf('/') + 1);
        return name.StartsWith("kimi-k2", StringComparison.OrdinalIgnoreCase) ? OpenAIThinkingFamily.Kimi
            : name.StartsWith("glm-", StringComparison.OrdinalIgnoreCase) ? OpenAIThinkingFamily.Glm
            : name.StartsWith("minimax-m", StringComparison.OrdinalIgnoreCase) ? OpenAIThinkingFamily.MiniMax
            : OpenAIThinkingFamily.Other;
    }
}
