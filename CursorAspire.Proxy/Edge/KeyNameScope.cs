using System.Diagnostics;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// Puts the authenticated key's name (never the key) on the request's span and around every log line of the request,
/// so the dashboard shows usage per key.
/// </summary>
public sealed class KeyNameScope(RequestDelegate next, ILogger<KeyNameScope> logger)
{
    /// <summary>The span tag and log scope property.</summary>
    public const string Tag = "cursoraspire.key.name";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var name = ApiKeyIdentity.Of(context).Name;
        Activity.Current?.SetTag(Tag, name);
        using (logger.BeginScope(new KeyValuePair<string, object?>[] { new(Tag, name) }))
        {
            await next(context).ConfigureAwait(false);
        }
    }
}
