namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Marks a proxy setting the AppHost writes as a default: the same setting in the AppHost's own configuration
/// (<c>Proxy:*</c>) replaces it, where the AppHost's other settings win.
/// </summary>
/// <param name="Variable">The environment variable, e.g. <c>Proxy__Models__local-qwen2.5-coder-7b__Compaction</c>.</param>
public sealed record ProxySettingDefaultAnnotation(string Variable) : IResourceAnnotation;
