namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// CursorAspire.Proxy, the OpenAI-compatible endpoint Cursor calls: a .NET project resource of its own type, so that
/// only the proxy's extensions (its key, cache, providers, aliases, public URL, Cursor setup and check) apply to it.
/// What it is configured with is kept as annotations: <see cref="ProxyApiKeyAnnotation"/>,
/// <see cref="ProxyModelAliasAnnotation"/>, <see cref="PublicBaseUrlAnnotation"/>.
/// </summary>
/// <param name="name">The resource name.</param>
public sealed class CursorProxyResource(string name) : ProjectResource(name);
