using System.Globalization;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Errors;

namespace CursorAspire.Proxy.Usage;

/// <summary>
/// Refuses a request, before anything goes upstream, when its key spent its daily token budget
/// (<c>Proxy:Keys:&lt;name&gt;:TokensPerDay</c>): 429 <c>insufficient_quota</c>, saying when the budget resets, with
/// <c>Retry-After</c>. An endpoint filter on the model-calling endpoints.
/// </summary>
/// <remarks>
/// The check reads what was spent before this request; a request's own tokens are counted when it ends, so one request
/// can take a key past its budget, and the next one is refused.
/// </remarks>
public sealed class TokenBudget(UsageLedger ledger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = ApiKeyIdentity.Of(http);
        if (key.Policy.TokensPerDay is { } budget)
        {
            var spent = await ledger.TokensTodayAsync(key, http.RequestAborted).ConfigureAwait(false);
            if (spent >= budget)
            {
                var (reset, wait) = ledger.NextReset();
                throw new ProxyException(StatusCodes.Status429TooManyRequests,
                    $"API key '{key.Name}' has spent its daily token budget ({spent:N0} of {budget:N0} tokens, Proxy:Keys:{key.Name}:TokensPerDay). " +
                    $"It resets at 00:00 UTC ({reset:yyyy-MM-dd HH:mm} UTC)" + (ledger.IsCountingInProcess ? "; Redis is down, so this proxy is counting on its own meanwhile." : "."),
                    OpenAIError.RateLimit, "insufficient_quota")
                {
                    RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
                };
            }
        }
        return await next(context).ConfigureAwait(false);
    }
}
