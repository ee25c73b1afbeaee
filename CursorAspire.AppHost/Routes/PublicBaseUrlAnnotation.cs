using Aspire.Hosting.ApplicationModel;

namespace CursorAspire.AppHost.Routes;

/// <summary>
/// Records on the proxy resource where its public URL (the tunnel's) comes from. The value is resolved when the proxy
/// starts; until a tunnel integration supplies one, Cursor is told the local URL.
/// </summary>
/// <param name="Url">Resolves to the public base URL, e.g. <c>https://words.trycloudflare.com</c>.</param>
public sealed record PublicBaseUrlAnnotation(IValueProvider Url) : IResourceAnnotation;
