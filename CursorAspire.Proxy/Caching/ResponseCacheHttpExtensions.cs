using CursorAspire.Proxy.Context;

namespace CursorAspire.Proxy.Caching;

/// <summary>Where the response cache meets HTTP: the caller's <c>Cache-Control</c> in, <c>x-cache</c> out.</summary>
public static class ResponseCacheHttpExtensions
{
    /// <summary>
    /// The response cache's scope for this request: the caller's key and its <c>Cache-Control</c> (<c>no-cache</c>,
    /// <c>no-store</c>); its outcome is reported as <c>x-cache</c> on whatever response goes out.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="keyId">The caller's key identity: one key never reads another's cached answers.</param>
    public static ResponseCacheScope ScopeResponseCache(this HttpContext context, string keyId)
    {
        var cache = ResponseCacheScope.FromCacheControl(keyId, context.Request.Headers.CacheControl);
        context.Response.OnStarting(static state =>
        {
            var (response, scope) = ((HttpResponse, ResponseCacheScope))state;
            response.Headers["x-cache"] = scope.XCacheHeaderValue ?? "BYPASS";
            return Task.CompletedTask;
        }, (context.Response, cache));
        return cache;
    }
}
