using System.Collections.Concurrent;
using System.Globalization;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Storage;

namespace CursorAspire.Proxy.Usage;

/// <summary>
/// What each key spent, per UTC day and model, in the proxy's store (Redis under the AppHost), so every proxy replica
/// counts against the same budget and the numbers survive restarts. While Redis is down the counting goes on in process
/// memory, and says so once.
/// </summary>
/// <remarks>
/// One Redis hash per key and day (<c>cursoraspire:usage:&lt;key id&gt;:&lt;yyyy-MM-dd&gt;</c>, kept 40 days so a month can
/// be read back): <see cref="TotalField"/> (prompt + completion tokens of upstream calls, what budgets count) and per
/// model <c>&lt;model&gt;|&lt;counter&gt;</c> (<see cref="UsageCounters"/>). Money is counted in millionths.
/// Requests of "Check as Cursor" (<see cref="CheckRequestHeader"/>) count their tokens in <see cref="CheckTotalField"/>
/// instead of <see cref="TotalField"/>, outside the budget, up to <see cref="CheckAllowancePerDay"/> tokens a day.
/// </remarks>
public sealed class UsageLedger(StateStore store, TimeProvider time, ILogger<UsageLedger> logger)
{
    /// <summary>The counter budgets are checked against.</summary>
    public const string TotalField = "total";

    /// <summary>Tokens of the key's check requests today, kept apart from <see cref="TotalField"/>.</summary>
    public const string CheckTotalField = "check-total";

    /// <summary>
    /// Check tokens a key may spend outside its budget per day (a full check is about 26,000 tokens per local model:
    /// the context-window probe is most of it). Beyond this, check requests count like any other: the header cannot
    /// be used to work around a budget.
    /// </summary>
    public const long CheckAllowancePerDay = 250_000;

    private static readonly TimeSpan Retention = TimeSpan.FromDays(40);
    private readonly MemoryCounters _fallback = new(time);
    // Today's counters as Redis last returned them, per key-day: the base while Redis is down.
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, long>> _lastKnown = new(StringComparer.Ordinal);
    private int _fallingBack;

    /// <summary>Whether counting is in process memory right now (Redis was down at the last operation).</summary>
    public bool IsCountingInProcess => Volatile.Read(ref _fallingBack) == 1;

    /// <summary>Today (UTC) by the ledger's clock.</summary>
    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>Tokens <paramref name="key"/> spent upstream today (UTC).</summary>
    public async Task<long> TokensTodayAsync(ApiKeyIdentity key, CancellationToken cancellationToken) =>
        (await DayAsync(key, Today, cancellationToken).ConfigureAwait(false)).GetValueOrDefault(TotalField);

    /// <summary>Every counter of <paramref name="key"/> on <paramref name="day"/>.</summary>
    public async Task<IReadOnlyDictionary<string, long>> DayAsync(ApiKeyIdentity key, DateOnly day, CancellationToken cancellationToken)
    {
        var group = DayKey(key, day);
        try
        {
            var counters = await store.GetCountersAsync(group, cancellationToken).ConfigureAwait(false);
            if (await RecoveredAsync(cancellationToken).ConfigureAwait(false))
            {
                counters = await store.GetCountersAsync(group, cancellationToken).ConfigureAwait(false);
            }
            if (_lastKnown.Count > 10_000)
            {
                _lastKnown.Clear();
            }
            _lastKnown[group] = counters;
            return counters;
        }
        catch (StateStoreUnavailableException ex)
        {
            FallingBack(ex);
            // What Redis last said plus what was counted here since: a budget does not start over because Redis is down.
            return Sum(_lastKnown.GetValueOrDefault(group), _fallback.Get(group));
        }
    }

    /// <summary>Adds to <paramref name="key"/>'s counters for today.</summary>
    public async Task AddAsync(ApiKeyIdentity key, IReadOnlyList<KeyValuePair<string, long>> increments, CancellationToken cancellationToken)
    {
        var group = DayKey(key, Today);
        try
        {
            await store.IncrementAsync(group, increments, Retention, cancellationToken).ConfigureAwait(false);
        }
        catch (StateStoreUnavailableException ex)
        {
            FallingBack(ex);
            _fallback.Increment(group, increments, Retention);
            return;
        }
        // Keep the base for an outage current: the last read came before this request was counted.
        _lastKnown.AddOrUpdate(group, static (_, added) => Sum(null, added), static (_, known, added) => Sum(known, added), increments);
        try
        {
            await RecoveredAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StateStoreUnavailableException)
        {
            // Down again mid-flush: what was not added stays in memory for the next recovery.
        }
    }

    /// <summary>When today's counters start again (the next UTC midnight), and how long that is from now.</summary>
    public (DateTimeOffset At, TimeSpan In) NextReset()
    {
        var now = time.GetUtcNow();
        var at = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        return (at, at - now);
    }

    private static string DayKey(ApiKeyIdentity key, DateOnly day) =>
        $"cursoraspire:usage:{key.Id}:{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    private void FallingBack(StateStoreUnavailableException ex)
    {
        if (Interlocked.Exchange(ref _fallingBack, 1) == 0)
        {
            logger.LogWarning("Usage counters cannot reach Redis ({Reason}); counting in this process until it answers. Token budgets go on from what Redis last said, per process meanwhile.", ex.Reason);
        }
    }

    /// <summary>
    /// Once Redis answers again, adds what this process counted meanwhile, so budgets and <c>GET /v1/usage</c> lose
    /// nothing to the outage. A flush that fails goes back to memory for the next recovery. Call after an operation on
    /// Redis succeeded; returns whether counts were added.
    /// </summary>
    private async Task<bool> RecoveredAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _fallingBack) == 0)
        {
            return false;
        }
        var pending = _fallback.Drain();
        for (var i = 0; i < pending.Count; i++)
        {
            var (group, ttl, fields) = pending[i];
            try
            {
                await store.IncrementAsync(group, fields, ttl, cancellationToken).ConfigureAwait(false);
            }
            catch (StateStoreUnavailableException)
            {
                // Still down: everything not yet added goes back, and the outage goes on (already logged).
                for (var j = i; j < pending.Count; j++)
                {
                    _fallback.Increment(pending[j].Key, pending[j].Fields, pending[j].Ttl);
                }
                throw;
            }
        }
        _lastKnown.Clear();
        if (Interlocked.Exchange(ref _fallingBack, 0) == 1)
        {
            logger.LogInformation("Usage counters reach Redis again; what this process counted meanwhile ({Groups} key-days) was added.", pending.Count);
        }
        return pending.Count > 0;
    }

    private static Dictionary<string, long> Sum(IReadOnlyDictionary<string, long>? known, IEnumerable<KeyValuePair<string, long>> here)
    {
        var sum = known is null ? new Dictionary<string, long>(StringComparer.Ordinal) : new Dictionary<string, long>(known, StringComparer.Ordinal);
        foreach (var (field, value) in here)
        {
            sum[field] = sum.GetValueOrDefault(field) + value;
        }
        return sum;
    }
}
