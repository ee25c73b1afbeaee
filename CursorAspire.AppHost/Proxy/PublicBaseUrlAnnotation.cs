namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Records on the proxy resource where its public URL comes from, read when the proxy is ready (a tunnel learns its
/// URL at run time). Null or empty means none yet: Cursor is then told the local URL with a warning.
/// </summary>
/// <param name="Current">Returns the public base URL now, e.g. <c>https://words.trycloudflare.com</c>.</param>
public sealed record PublicBaseUrlAnnotation(Func<string?> Current) : IResourceAnnotation;
