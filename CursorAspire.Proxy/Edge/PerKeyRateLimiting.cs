using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// ASP.NET Core's rate limiter, partitioned by the caller's key identity: a token bucket (requests per minute)
/// chained with a concurrency limit. The model endpoints opt in with <see cref="PolicyName"/>; health and the
/// status page are never limited. A rejection is a 429 in OpenAI's error shape with <c>Retry-After</c>, which
/// Cursor shows and honours.
/// </summary>
public static class PerKeyRateLimiting
{
    public const string PolicyName = "per-api-key";

    public static IServiceCollection AddPerKeyRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection($"{ProxyOptions.SectionName}:RateLimit").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(options =>
        {
            var off = limits.RequestsPerMinute <= 0 && limits.ConcurrentRequests <= 0;
            options.AddPolicy(PolicyName, context => off
                ? RateLimitPartition.GetNoLimiter(string.Empty)
                : RateLimitPartition.Get(ApiKeyAuthenticationHandler.KeyId(context), _ => CreateLimiter(limits)));
            options.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static RateLimiter CreateLimiter(RateLimitOptions limits)
    {
        var limiters = new List<RateLimiter>(2);
        if (limits.RequestsPerMinute > 0)
        {
            limiters.Add(new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.RequestsPerMinute,
                TokensPerPeriod = limits.RequestsPerMinute,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        }
        if (limits.ConcurrentRequests > 0)
        {
            limiters.Add(new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = limits.ConcurrentRequests, QueueLimit = 0 }));
        }
        return limiters.Count == 1 ? limiters[0] : RateLimiter.CreateChained([.. limiters]);
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await OpenAIError.WriteAsync(context, StatusCodes.Status429TooManyRequests,
            "This API key is over the proxy's rate limit (Proxy:RateLimit:RequestsPerMinute / ConcurrentRequests). Wait and retry, or raise the limit.",
            OpenAIError.RateLimit, "rate_limit_exceeded").ConfigureAwait(false);
    }
}
