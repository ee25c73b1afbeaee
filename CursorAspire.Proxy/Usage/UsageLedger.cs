using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Storage;
using StackExchange.Redis;

namespace CursorAspire.Proxy.Usage;

/// <summary>
/// What each key spent, per UTC day and model, and what its requests in flight hold against its budget, in the proxy's
/// store (Redis under the AppHost), so every proxy replica counts against the same budget and the numbers survive
/// restarts. Admission and settlement are one script each (<see cref="UsageScripts"/>). While Redis is down the
/// counting and reserving go on in process memory (<see cref="InProcessUsage"/>), say so once, and are handed back to
/// Redis when it answers again. A script that outlives the store's timeout still runs in Redis: every settlement carries
/// its reservation's id, and Redis settles an id once (<see cref="UsageKeys.SettledKeptFor"/>), so handing it back counts nothing
/// twice, on any replica.
/// </summary>
/// <remarks>
/// A key's day is one Redis hash (<see cref="UsageKeys"/>), kept 40 days so a month can be read back:
/// <see cref="TotalField"/> (prompt + completion tokens of upstream calls, what budgets count) and per model
/// <c>&lt;model&gt;|&lt;counter&gt;</c> (<see cref="UsageCounters"/>); money in millionths. Proven "Check as Cursor"
/// requests count in <see cref="CheckTotalField"/> instead, outside the budget, within the check allowance.
/// </remarks>
public sealed partial class UsageLedger : IDisposable
{
    /// <summary>The counter budgets are checked against.</summary>
    public const string TotalField = "total";

    /// <summary>Tokens of the key's proven check requests today, kept apart from <see cref="TotalField"/>.</summary>
    public const string CheckTotalField = "check-total";

    /// <summary>
    /// Check tokens a key may spend outside its budget per day, and never more than the budget itself (a full check is
    /// about 26,000 tokens per local model: the context-window probe is most of it). Only a check request with a valid
    /// proof (<c>CheckProofs</c>) counts here; any other counts like a request from Cursor.
    /// </summary>
    public const long CheckAllowancePerDay = 250_000;

    /// <summary>How long a day's usage is kept.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(40);

    private readonly StateStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<UsageLedger> _logger;
    private readonly InProcessUsage _here;
    private readonly SemaphoreSlim _handingBack = new(1, 1);
    private int _fallingBack;

    public UsageLedger(StateStore store, TimeProvider time, ILogger<UsageLedger> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _here = new InProcessUsage(time, Retention);
    }

    /// <inheritdoc />
    public void Dispose() => _handingBack.Dispose();

    /// <summary>Whether Redis was down at the last operation, so this process counts on its own meanwhile.</summary>
    public bool IsStoreDown => _store.IsShared && Volatile.Read(ref _fallingBack) == 1;

    /// <summary>Where counting happens, in words: <c>shared</c>, or in process and why.</summary>
    public string Counting => !_store.IsShared ? "in-process (no Redis)" : IsStoreDown ? "in-process (Redis is down)" : "shared";

    /// <summary>Today (UTC) by the ledger's clock.</summary>
    public DateOnly Today => DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);

    /// <summary>Every counter of <paramref name="key"/> on <paramref name="day"/>.</summary>
    public async Task<IReadOnlyDictionary<string, long>> DayAsync(ApiKeyIdentity key, DateOnly day, CancellationToken cancellationToken)
    {
        var group = UsageKeys.Day(key.Id, day);
        if (!_store.IsShared)
        {
            return _here.Day(group);
        }
        try
        {
            var counters = await _store.GetCountersAsync(group, cancellationToken).ConfigureAwait(false);
            if (await HandBackAsync(cancellationToken).ConfigureAwait(false))
            {
                counters = await _store.GetCountersAsync(group, cancellationToken).ConfigureAwait(false);
            }
            _here.Known(group, counters);
            return counters;
        }
        catch (StateStoreUnavailableException ex)
        {
            FallingBack(ex);
            // What Redis last said plus what was counted here since: a budget does not start over because Redis is down.
            return _here.Day(group);
        }
    }

    /// <summary>
    /// Reserves <paramref name="tokens"/> for one request of <paramref name="key"/> against its daily
    /// <paramref name="budget"/>, unless what is spent and reserved already reached it. A proven check (its
    /// <paramref name="nonce"/> not seen before) reserves against <paramref name="checkAllowance"/> when it fits.
    /// </summary>
    /// <param name="key">The caller's key.</param>
    /// <param name="budget">Its tokens per day.</param>
    /// <param name="tokens">The request's estimated prompt plus its output room.</param>
    /// <param name="checkAllowance">Check tokens the key may spend outside its budget today (0: not a proven check).</param>
    /// <param name="nonce">The check proof's nonce, null for any other request.</param>
    /// <param name="holdFor">How long the store keeps the reservation should this proxy die before settling it.</param>
    /// <param name="cancellationToken">Stops waiting for the store.</param>
    public async Task<Admission> ReserveAsync(ApiKeyIdentity key, long budget, long tokens, long checkAllowance, string? nonce, TimeSpan holdFor, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var group = UsageKeys.Day(key.Id, DateOnly.FromDateTime(now.UtcDateTime));
        var expires = now + holdFor;
        var id = TokenReservation.NewId();
        var unanswered = false;
        if (_store.IsShared)
        {
            try
            {
                var answer = (RedisResult[])(await _store.EvaluateAsync("reserve", UsageScripts.Reserve,
                    [group, UsageKeys.Reservations(key.Id), UsageKeys.CheckNonces(key.Id), UsageKeys.Settled(key.Id)],
                    [now.ToUnixTimeMilliseconds(), budget, checkAllowance, tokens, id, expires.ToUnixTimeMilliseconds(), nonce ?? string.Empty, (now + CheckProofs.NonceLifetime).ToUnixTimeMilliseconds()],
                    cancellationToken).ConfigureAwait(false))!;
                var (spent, reserved) = ((long)answer[1], (long)answer[2]);
                if (Volatile.Read(ref _fallingBack) == 1)
                {
                    await HandBackAsync(cancellationToken).ConfigureAwait(false);
                }
                return (long)answer[0] == 1
                    ? new Admission(TokenReservation.Held(key, id, tokens, (long)answer[3] == 1, expires, heldInStore: true), spent, reserved)
                    : new Admission(null, spent, reserved);
            }
            catch (StateStoreUnavailableException ex)
            {
                FallingBack(ex);
                // Held here under the same id: should the script have run in Redis after all, the settlement releases it there.
                unanswered = ex.MayHaveRun;
            }
        }
        return _here.Reserve(key, group, budget, tokens, checkAllowance, nonce, expires, id, unanswered);
    }

    /// <summary>
    /// Settles a request: releases what <paramref name="reservation"/> held and adds what the request really cost to
    /// today's counters of its key, once (a second settlement of one reservation does nothing). Never throws for a store
    /// that is down: the count goes on in process memory.
    /// </summary>
    public async Task SettleAsync(TokenReservation reservation, IReadOnlyList<KeyValuePair<string, long>> increments)
    {
        if (!reservation.TrySettle() || (!reservation.IsHeld && increments.Count == 0))
        {
            return;
        }
        var today = Today;
        var key = reservation.Key;
        var group = UsageKeys.Day(key.Id, today);
        if (reservation.IsHeld && !reservation.HeldInStore)
        {
            _here.Release(reservation);
        }
        if (!_store.IsShared)
        {
            _here.Count(group, increments);
            return;
        }
        try
        {
            await SettleInStoreAsync(key.Id, reservation.Id, today, today, increments, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StateStoreUnavailableException ex)
        {
            FallingBack(ex);
            // By id when the script may have run in Redis after all, or a reservation there waits for this id.
            _here.Defer(reservation.Id, group, increments, byId: ex.MayHaveRun || reservation.MayBeInStore);
            return;
        }
        // Keep the base for an outage current: the last read came before this request was counted.
        _here.KnownAdded(group, increments);
        try
        {
            await HandBackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (StateStoreUnavailableException)
        {
            // Down again mid-way: what was not handed back stays in memory for the next time.
        }
    }

    /// <summary>When today's counters start again (the next UTC midnight), and how long that is from now.</summary>
    public (DateTimeOffset At, TimeSpan In) NextReset()
    {
        var now = _time.GetUtcNow();
        var at = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        return (at, at - now);
    }

    private ValueTask<RedisResult> SettleInStoreAsync(string keyId, string settlementId, DateOnly day, DateOnly today, IReadOnlyList<KeyValuePair<string, long>> increments, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var values = new List<RedisValue>(7 + 2 * increments.Count)
        {
            settlementId,
            now.ToUnixTimeMilliseconds(),
            (now + UsageKeys.SettledKeptFor).ToUnixTimeMilliseconds(),
            UsageKeys.DayName(day),
            day.DayNumber,
            today.AddDays(-(int)Retention.TotalDays).DayNumber,
            UsageKeys.DayPrefix(keyId),
        };
        foreach (var (field, amount) in increments)
        {
            if (amount != 0)
            {
                values.Add(field);
                values.Add(amount);
            }
        }
        return _store.EvaluateAsync("settle", UsageScripts.Settle,
            [UsageKeys.Day(keyId, day), UsageKeys.Reservations(keyId), UsageKeys.Days(keyId), UsageKeys.Settled(keyId)], [.. values], cancellationToken);
    }

    private void FallingBack(StateStoreUnavailableException ex)
    {
        if (Interlocked.Exchange(ref _fallingBack, 1) == 0)
        {
            LogCountingInProcess(_logger, ex.Reason);
        }
    }

    /// <summary>
    /// Once Redis answers again, hands it what this process counted and reserved meanwhile, so budgets and
    /// <c>GET /v1/usage</c> lose nothing to the outage and other replicas see the reservations. What fails to go stays
    /// in memory for the next time, by id: a settlement that reached Redis before its reply timed out counts once. Call
    /// after an operation on Redis succeeded; returns whether counts were added.
    /// </summary>
    private async Task<bool> HandBackAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _fallingBack) == 0 || !await _handingBack.WaitAsync(0, CancellationToken.None).ConfigureAwait(false))
        {
            return false;
        }
        try
        {
            var backlog = _here.Drain();
            try
            {
                // First the reservations: another replica admitting now must see what this one's requests hold.
                foreach (var held in backlog.Held.GroupBy(r => r.Key.Id))
                {
                    await _store.EvaluateAsync("hold", UsageScripts.Hold, [UsageKeys.Reservations(held.Key), UsageKeys.Settled(held.Key)],
                        [.. held.SelectMany(r => new RedisValue[] { r.Id, r.StoredValue })], cancellationToken).ConfigureAwait(false);
                    foreach (var reservation in held)
                    {
                        reservation.HeldInStore = true;
                        _here.Release(reservation);
                    }
                }
            }
            catch (StateStoreUnavailableException)
            {
                _here.Restore(backlog.Settlements);
                throw;
            }
            var today = Today;
            for (var i = 0; i < backlog.Settlements.Count; i++)
            {
                var (id, group, fields) = backlog.Settlements[i];
                if (!UsageKeys.TryParseDay(group, out var keyId, out var day))
                {
                    continue;
                }
                try
                {
                    await SettleInStoreAsync(keyId, id, day, today, fields, cancellationToken).ConfigureAwait(false);
                }
                catch (StateStoreUnavailableException)
                {
                    // Still down: everything not yet handed back goes back with its id, and the outage goes on (already logged).
                    _here.Restore(backlog.Settlements.Skip(i));
                    throw;
                }
            }
            _here.ForgetKnown();
            // Said before counting is shared again (one hand-back at a time), so whoever sees it shared finds it said.
            if (Volatile.Read(ref _fallingBack) == 1)
            {
                LogHandedBack(_logger, backlog.Settlements.Count, backlog.Held.Count);
            }
            Volatile.Write(ref _fallingBack, 0);
            return backlog.Settlements.Count > 0;
        }
        finally
        {
            _handingBack.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage counters cannot reach Redis ({Reason}); counting in this process until it answers. Token budgets go on from what Redis last said, per process meanwhile.")]
    private static partial void LogCountingInProcess(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Usage counters reach Redis again; what this process counted meanwhile ({Settlements} settlements) and {Held} reservations were handed back.")]
    private static partial void LogHandedBack(ILogger logger, int settlements, int held);
}
