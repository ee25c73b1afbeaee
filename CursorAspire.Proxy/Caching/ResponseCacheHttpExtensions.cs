using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Caching;

/// <summary>Where the response cache meets HTTP: the caller's <c>Cache-Control</c> in, <c>x-cache</c> out.</summary>
public static class ResponseCacheHttpExtensions
{
    /// <summary>
    /// Scopes the response cache to the caller's key and to its <c>Cache-Control</c> (<c>no-cache</c>, <c>no-store</c>),
    /// and reports the outcome as <c>x-cache</c> on whatever response goes out.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="keyId">The caller's key identity: one key never reads another's cached answers.</param>
    /// <param name="options">The request's options, which carry the scope down the pipeline.</param>
    public static ResponseCacheRequest AttachResponseCache(this HttpContext context, string keyId, ChatOptions options)
    {
        var cache = ResponseCacheRequest.FromCacheControl(keyId, context.Request.Headers.CacheControl);
        cache.AttachTo(options);
        context.Response.OnStarting(static state =>
        {
            var (response, cacheRequest) = ((HttpResponse, ResponseCacheRequest))state;
            response.Headers["x-cache"] = cacheRequest.XCacheHeaderValue ?? "BYPASS";
            return Task.CompletedTask;
        }, (context.Response, cache));
        return cache;
    }
}
