using System.Globalization;
using System.Threading.RateLimiting;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Storage;
using Microsoft.AspNetCore.RateLimiting;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// ASP.NET Core's rate limiter, partitioned by the caller's key: a limit on requests in flight chained with requests
/// per minute counted in the proxy's store (<see cref="SharedRequestsPerMinuteLimiter"/>), each from the key's own
/// settings (<see cref="KeyOptions"/>) or else <c>Proxy:RateLimit</c>. The model endpoints opt in with
/// <see cref="PolicyName"/>; health and the status page are never limited. A rejection is a 429 in OpenAI's error
/// shape with <c>Retry-After</c>, which Cursor shows and honours.
/// </summary>
public static class PerKeyRateLimiting
{
    public const string PolicyName = "per-api-key";

    public static IServiceCollection AddPerKeyRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var defaults = configuration.GetSection($"{ProxyOptions.SectionName}:RateLimit").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(PolicyName, context =>
            {
                var key = ApiKeyIdentity.Of(context);
                var perMinute = key.Policy.RequestsPerMinute ?? defaults.RequestsPerMinute;
                var concurrent = key.Policy.ConcurrentRequests ?? defaults.ConcurrentRequests;
                return perMinute <= 0 && concurrent <= 0
                    ? RateLimitPartition.GetNoLimiter(key.Id)
                    : RateLimitPartition.Get(key.Id, id => CreateLimiter(id, perMinute, concurrent, context.RequestServices));
            });
            options.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static RateLimiter CreateLimiter(string keyId, int perMinute, int concurrent, IServiceProvider services)
    {
        var limiters = new List<RateLimiter>(2);
        // Requests in flight first: a request this process turns away is not counted against the key's minute.
        if (concurrent > 0)
        {
            // Per process: it bounds the load on this proxy; what spends money (requests, tokens) is counted in the store.
            limiters.Add(new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = concurrent, QueueLimit = 0 }));
        }
        if (perMinute > 0)
        {
            limiters.Add(new SharedRequestsPerMinuteLimiter(keyId, perMinute, services.GetRequiredService<MinuteCounter>(), services.GetRequiredService<TimeProvider>()));
        }
        return limiters.Count == 1 ? limiters[0] : RateLimiter.CreateChained([.. limiters]);
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await OpenAIError.WriteAsync(context, StatusCodes.Status429TooManyRequests,
            $"API key '{ApiKeyIdentity.Of(context).Name}' is over its rate limit (requests per minute / concurrent requests: Proxy:Keys:<name> or Proxy:RateLimit). Wait and retry, or raise the limit.",
            OpenAIError.RateLimit, "rate_limit_exceeded").ConfigureAwait(false);
    }
}
