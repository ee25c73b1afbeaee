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
            Recovered();
            return counters;
        }
        catch (StateStoreUnavailableException ex)
        {
            FallingBack(ex);
            return _fallback.Get(group);
        }
    }

    /// <summary>Adds to <paramref name="key"/>'s counters for today.</summary>
    public async Task AddAsync(ApiKeyIdentity key, IReadOnlyList<KeyValuePair<string, long>> increments, CancellationToken cancellationToken)
    {
        var group = DayKey(key, Today);
        try
        {
            await store.IncrementAsync(group, increments, Retention, cancellationToken).ConfigureAwait(false);
            Recovered();
        }
        catch (StateStoreUnavailableException ex)
        {
            FallingBack(ex);
            _fallback.Increment(group, increments, Retention);
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
            logger.LogWarning("Usage counters cannot reach Redis ({Reason}); counting in this process until it answers. Token budgets are per process meanwhile.", ex.Reason);
        }
    }

    private void Recovered()
    {
        if (Interlocked.Exchange(ref _fallingBack, 0) == 1)
        {
            logger.LogInformation("Usage counters reach Redis again.");
        }
    }
}
