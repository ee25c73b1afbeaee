namespace CursorAspire.TestUpstreams;

/// <summary>Which models of an OpenAI-compatible stand-in answer as which thinking vendor (exact, case-sensitive names).</summary>
internal sealed class ThinkingVendors
{
    /// <summary>No thinking models at all: Ollama's OpenAI-compatible endpoint takes any history.</summary>
    public static readonly ThinkingVendors None = new(new Dictionary<string, ThinkingVendor>(), strict: false);

    private readonly IReadOnlyDictionary<string, ThinkingVendor> _byModel;

    private ThinkingVendors(IReadOnlyDictionary<string, ThinkingVendor> byModel, bool strict)
    {
        _byModel = byModel;
        Strict = strict;
    }

    /// <summary>Whether GLM and MiniMax refuse a history whose reasoning did not come back intact (their real APIs do not).</summary>
    public bool Strict { get; }

    public static ThinkingVendors From(OpenAIStandInOptions options)
    {
        var byModel = new Dictionary<string, ThinkingVendor>(StringComparer.Ordinal);
        foreach (var (models, vendor) in new[]
        {
            (options.ThinkingModels, ThinkingVendor.DeepSeek),
            (options.KimiThinkingModels, ThinkingVendor.Kimi),
            (options.GlmThinkingModels, ThinkingVendor.Glm),
            (options.MiniMaxThinkingModels, ThinkingVendor.MiniMax),
        })
        {
            foreach (var model in models)
            {
                if (!byModel.TryAdd(model, vendor))
                {
                    throw new ArgumentException($"Model '{model}' is listed as both {byModel[model]} and {vendor}.", nameof(options));
                }
            }
        }
        return new ThinkingVendors(byModel, options.StrictReasoningReturn);
    }

    public ThinkingVendor Of(string model) => _byModel.TryGetValue(model, out var vendor) ? vendor : ThinkingVendor.None;
}
