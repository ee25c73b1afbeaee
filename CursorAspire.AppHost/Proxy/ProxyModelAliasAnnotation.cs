namespace Aspire.Hosting.ApplicationModel;

/// <summary>Records on the proxy resource a model name it serves, so the Cursor setup text can list it.</summary>
/// <param name="Alias">The name Cursor sends.</param>
/// <param name="Provider">The provider the proxy routes it to.</param>
/// <param name="UpstreamModel">The model name the provider knows.</param>
public sealed record ProxyModelAliasAnnotation(string Alias, string Provider, string UpstreamModel) : IResourceAnnotation;
