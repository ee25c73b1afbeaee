using System.Globalization;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Storage;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Usage;

/// <summary>
/// Tokens each key spent, per UTC day and model, in the proxy's store (Redis under the AppHost), so every proxy replica
/// counts against the same budget and the numbers survive restarts. While Redis is down the counting goes on in
/// process memory, and says so once.
/// </summary>
/// <remarks>
/// One Redis hash per key and day (<c>cursoraspire:usage:&lt;key id&gt;:&lt;yyyy-MM-dd&gt;</c>, kept 40 days): <c>total</c>
/// (prompt + completion tokens, what budgets count) and per model <c>&lt;model&gt;|input</c>, <c>|output</c>,
/// <c>|requests</c>. Requests of "Check as Cursor" (<see cref="CheckRequestHeader"/>) count in <c>check|total</c> and
/// <c>check|requests</c> instead, outside the budget, up to <see cref="CheckAllowancePerDay"/> tokens a day.
/// </remarks>
public sealed class UsageLedger(StateStore store, TimeProvider time, ILogger<UsageLedger> logger)
{
    /// <summary>The counter budgets are checked against.</summary>
    public const string TotalField = "total";

    /// <summary>Tokens of the key's check requests today: kept apart from <see cref="TotalField"/>.</summary>
    public const string CheckTotalField = "check|total";

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

    /// <summary>Tokens <paramref name="key"/> spent today (UTC).</summary>
    public async Task<long> TokensTodayAsync(ApiKeyIdentity key, CancellationToken cancellationToken)
    {
        var counters = await CountersAsync(DayKey(key, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        return counters.GetValueOrDefault(TotalField);
    }

    /// <summary>Adds one answered request's usage to <paramref name="key"/>'s counters for today.</summary>
    /// <param name="key">The caller.</param>
    /// <param name="model">The alias (or <c>provider/model</c>) that answered.</param>
    /// <param name="usage">The usage reported to the client: the upstream's, with the proxy's estimates where it gave none.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public async Task RecordAsync(ApiKeyIdentity key, string model, UsageDetails usage, CancellationToken cancellationToken)
    {
        var input = usage.InputTokenCount ?? 0;
        var output = usage.OutputTokenCount ?? 0;
        KeyValuePair<string, long>[] increments =
        [
            new(TotalField, input + output),
            new($"{model}|input", input),
            new($"{model}|output", output),
            new($"{model}|requests", 1),
        ];
        await IncrementAsync(DayKey(key, time.GetUtcNow()), increments, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds one answered request's usage: a check request (<paramref name="isCheck"/>) to the key's check counters while
    /// today's stay within <see cref="CheckAllowancePerDay"/>, anything else as <see cref="RecordAsync(ApiKeyIdentity, string, UsageDetails, CancellationToken)"/>.
    /// </summary>
    public async Task RecordAsync(ApiKeyIdentity key, string model, UsageDetails usage, bool isCheck, CancellationToken cancellationToken)
    {
        var day = DayKey(key, time.GetUtcNow());
        var tokens = (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0);
        if (!isCheck || (await CountersAsync(day, cancellationToken).ConfigureAwait(false)).GetValueOrDefault(CheckTotalField) + tokens > CheckAllowancePerDay)
        {
            await RecordAsync(key, model, usage, cancellationToken).ConfigureAwait(false);
            return;
        }
        await IncrementAsync(day, [new(CheckTotalField, tokens), new("check|requests", 1)], cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyDictionary<string, long>> CountersAsync(string day, CancellationToken cancellationToken)
    {
        try
        {
            var counters = await store.GetCountersAsync(day, cancellationToken).ConfigureAwait(false);
            Recovered();
            return counters;
        }
        catch (StateStoreUnavailableException ex)
        {
            FallingBack(ex);
            return _fallback.Get(day);
        }
    }

    private async Task IncrementAsync(string day, KeyValuePair<string, long>[] increments, CancellationToken cancellationToken)
    {
        try
        {
            await store.IncrementAsync(day, increments, Retention, cancellationToken).ConfigureAwait(false);
            Recovered();
        }
        catch (StateStoreUnavailableException ex)
        {
            FallingBack(ex);
            _fallback.Increment(day, increments, Retention);
        }
    }

    /// <summary>When today's counters start again (the next UTC midnight), and how long that is from now.</summary>
    public (DateTimeOffset At, TimeSpan In) NextReset()
    {
        var now = time.GetUtcNow();
        var at = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        return (at, at - now);
    }

    private static string DayKey(ApiKeyIdentity key, DateTimeOffset now) =>
        $"cursoraspire:usage:{key.Id}:{now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

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
