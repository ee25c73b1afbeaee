using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Wire;

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
    /// <summary>What Anthropic routes raise a lower <c>max_tokens</c> to when the alias sets no <see cref="ModelOptions.MinOutputTokens"/>.</summary>
    public const int AnthropicMinOutputTokens = 16_384;

    /// <summary>
    /// The route's name in metrics and usage counters: the alias, else <c>&lt;provider&gt;/&lt;model&gt;</c>, or, for
    /// models clients name on an <c>AllowAnyModel</c> provider past <see cref="ModelRouter.MaxReportedAnyModelNames"/>,
    /// <c>&lt;provider&gt;/other</c>.
    /// </summary>
    public string ReportedName { get; init; } = Alias ?? $"{ProviderName}/{UpstreamModel}";

    /// <summary>The configured context window, if any.</summary>
    public int? ContextLength => Model?.ContextLength;

    /// <summary>Whether the alias opted in to compaction (<see cref="ModelOptions.Compaction"/>).</summary>
    public bool Compaction => Model?.Compaction == true;

    /// <summary>Whether the alias opted in to reasoning effort (<see cref="ModelOptions.Reasoning"/>).</summary>
    public bool AcceptsReasoningEffort => Model?.Reasoning == true;

    /// <summary>Cursor's variant suffixes the name carried (<c>ant-thinking</c>), if any.</summary>
    public ModelVariant? Variant { get; init; }

    /// <summary>
    /// The least output room a request gets (<see cref="ModelOptions.MinOutputTokens"/>; by default 16,384 on Anthropic,
    /// where Cursor's usual <c>max_tokens</c> cuts a long edit short, and none elsewhere).
    /// </summary>
    public int? MinOutputTokens => Model?.MinOutputTokens ?? (Provider.Kind == ProviderKind.Anthropic ? AnthropicMinOutputTokens : null);

    /// <summary>
    /// Points the request's options at this route; the one place these rules live:
    /// <list type="bullet">
    /// <item>the upstream model name;</item>
    /// <item>the reasoning effort, only for aliases that opted in (Cursor sends an effort for every model, and models
    /// without thinking reject it, so providers pass on whatever effort is left here): a variant suffix's effort, else
    /// the request's own, else the alias's <see cref="ModelOptions.ReasoningEffort"/>, else medium for a
    /// <c>-thinking</c> variant;</item>
    /// <item>the output limit: a lower one raised to <see cref="MinOutputTokens"/>, then clamped to the alias's
    /// <see cref="ModelOptions.MaxOutputTokens"/>.</item>
    /// </list>
    /// </summary>
    public void ApplyTo(ChatOptions options)
    {
        options.ModelId = UpstreamModel;
        if (!AcceptsReasoningEffort)
        {
            options.Reasoning = null;
        }
        else if ((Variant?.Effort ?? options.Reasoning?.Effort ?? ReasoningEffortNames.ParseSetting(Model!.ReasoningEffort)
            ?? (Variant?.Thinking == true ? ReasoningEffort.Medium : null)) is { } effort)
        {
            // A copy: the request's own options are shared by every route it may take.
            options.Reasoning = new ReasoningOptions { Effort = effort, Output = options.Reasoning?.Output };
        }
        if (MinOutputTokens is { } floor && options.MaxOutputTokens < floor)
        {
            options.MaxOutputTokens = floor;
        }
        if (Model?.MaxOutputTokens is { } ceiling)
        {
            options.MaxOutputTokens = Math.Min(options.MaxOutputTokens ?? ceiling, ceiling);
        }
    }
}
