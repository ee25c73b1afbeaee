using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Routing;

/// <summary>Where one request goes: the provider, the upstream model and the per-model settings.</summary>
/// <param name="Alias">The alias that matched, or null for a direct <c>provider/model</c> route.</param>
/// <param name="ProviderName">Key of <c>Proxy:Providers</c>.</param>
/// <param name="Provider">That provider's settings.</param>
/// <param name="UpstreamModel">The model name the upstream understands.</param>
/// <param name="Model">The alias's settings, if an alias matched.</param>
/// <param name="IsDefaultForUnknownName">The requested name was unknown and the default model was used.</param>
public sealed record ModelRoute(
    string? Alias,
    string ProviderName,
    ProviderOptions Provider,
    string UpstreamModel,
    ModelOptions? Model,
    bool IsDefaultForUnknownName)
{
    /// <summary>The configured context window, if any.</summary>
    public int? ContextLength => Model?.ContextLength;

    /// <summary>Whether the alias opted in to compaction (<see cref="ModelOptions.Compaction"/>).</summary>
    public bool Compaction => Model?.Compaction == true;

    /// <summary>Whether the alias opted in to reasoning effort (<see cref="ModelOptions.Reasoning"/>).</summary>
    public bool AcceptsReasoningEffort => Model?.Reasoning == true;

    /// <summary>
    /// Points the request's options at this route: the upstream model name; the reasoning effort only for aliases
    /// that opted in (Cursor sends an effort for every model, and models without thinking reject it, so providers pass
    /// on whatever effort is left here); and the output limit clamped to the alias's <c>MaxOutputTokens</c>. This is
    /// the one place these rules live.
    /// </summary>
    public void ApplyTo(ChatOptions options)
    {
        options.ModelId = UpstreamModel;
        if (!AcceptsReasoningEffort)
        {
            options.Reasoning = null;
        }
        if (Model?.MaxOutputTokens is { } ceiling)
        {
            options.MaxOutputTokens = Math.Min(options.MaxOutputTokens ?? ceiling, ceiling);
        }
    }
}
