namespace CursorAspire.Proxy.Routing;

/// <summary>Where one request goes: the provider, the upstream model and the per-model settings.</summary>
/// <param name="Alias">The alias that matched, or null for a direct <c>provider/model</c> route.</param>
/// <param name="ProviderName">Key of <c>Proxy:Providers</c>.</param>
/// <param name="Provider">That provider's settings.</param>
/// <param name="UpstreamModel">The model name the upstream understands.</param>
/// <param name="Model">The alias's settings, if an alias matched.</param>
/// <param name="IsFallback">The requested name was unknown and the default model was used.</param>
public sealed record ModelRoute(
    string? Alias,
    string ProviderName,
    ProviderOptions Provider,
    string UpstreamModel,
    ModelOptions? Model,
    bool IsFallback)
{
    /// <summary>The configured context window, if any.</summary>
    public int? ContextLength => Model?.ContextLength;
}
