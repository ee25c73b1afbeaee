using System.Globalization;
using CursorAspire.Proxy.Calls;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Usage;

/// <summary>
/// Admission against a key's daily token budget (<c>Proxy:Keys:&lt;name&gt;:TokensPerDay</c>), before anything goes
/// upstream: reserves the request's estimated prompt plus its output room in one step with every other request of the
/// key, on every replica (<see cref="UsageLedger.ReserveAsync"/>), or refuses it with 429 <c>insufficient_quota</c>,
/// saying why and when to come back. What the request really cost settles the reservation when it ends
/// (<see cref="UsageAccounting"/>), so a budget is passed by at most one request's reservation.
/// </summary>
/// <remarks>
/// The output room is the request's output limit after the alias's clamp (<c>max_tokens</c>,
/// <c>Proxy:Models:&lt;alias&gt;:MaxOutputTokens</c>); a request of a budgeted key that states none gets one,
/// <see cref="OutputRoom"/>, so it cannot spend more than it reserved.
/// </remarks>
public sealed class TokenBudget(UsageLedger ledger, IOptions<UpstreamCallOptions> calls)
{
    // Longer than any request may take (first byte, then the whole call, for each route it may try): a reservation
    // outlives its request only when its proxy died, and then the store forgets it at this age.
    private readonly TimeSpan _holdFor = 2 * (calls.Value.UpstreamFirstByteTimeout + calls.Value.UpstreamTotalTimeout);

    /// <summary>Reserves room for <paramref name="turn"/> in its key's budget, or throws the 429.</summary>
    /// <param name="turn">The routed request; a budgeted key's routes get the output limit the reservation counts.</param>
    /// <param name="checkNonce">The nonce of a proven check request (<c>CheckProofs</c>); null for any other.</param>
    /// <param name="cancellationToken">The client leaving.</param>
    /// <returns>What is held; nothing for a key without a budget.</returns>
    /// <exception cref="ProxyException">429 <c>insufficient_quota</c>: no room left today.</exception>
    public async Task<TokenReservation> ReserveAsync(ChatTurn turn, string? checkNonce, CancellationToken cancellationToken)
    {
        var key = turn.Key;
        if (key.Policy.TokensPerDay is not { } budget)
        {
            return TokenReservation.Unbudgeted(key);
        }
        var tokens = turn.EstimatedPromptTokens + OutputRoom.Apply(turn);
        var allowance = checkNonce is null ? 0 : Math.Min(UsageLedger.CheckAllowancePerDay, budget);
        var admission = await ledger.ReserveAsync(key, budget, tokens, allowance, checkNonce, _holdFor, cancellationToken).ConfigureAwait(false);
        return admission.Reservation ?? throw Refused(turn, budget, admission);
    }

    private ProxyException Refused(ChatTurn turn, long budget, Admission admission)
    {
        var name = turn.Key.Name;
        var (reset, wait) = ledger.NextReset();
        var spentOut = admission.Spent >= budget;
        var inFlight = admission.Reserved > 0 ? $"; {admission.Reserved:N0} more are held by requests of this key still being answered" : string.Empty;
        var message =
            $"API key '{name}' has no room left in its daily token budget ({admission.Spent:N0} of {budget:N0} tokens spent{inFlight}; Proxy:Keys:{name}:TokensPerDay). " +
            (spentOut
                ? $"It resets at 00:00 UTC ({reset:yyyy-MM-dd HH:mm} UTC)"
                : "Try again when the requests in flight have finished; the budget resets at 00:00 UTC") +
            (ledger.IsStoreDown ? "; Redis is down, so this proxy is counting on its own meanwhile." : ".");
        // Spent: come back tomorrow. Held by requests in flight: in a few seconds.
        var retryAfter = spentOut ? Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)) : 5;
        return new ProxyException(StatusCodes.Status429TooManyRequests, message, OpenAIError.RateLimit, "insufficient_quota")
        {
            RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture),
        };
    }
}
