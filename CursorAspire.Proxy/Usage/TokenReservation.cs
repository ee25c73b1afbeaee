using System.Globalization;
using CursorAspire.Proxy.Edge;

namespace CursorAspire.Proxy.Usage;

/// <summary>
/// Tokens held against a key's daily budget while one request is answered (its estimated prompt and its output room),
/// settled to what the request really cost when it ends, however it ends.
/// </summary>
public sealed class TokenReservation
{
    private int _settled;

    private TokenReservation(ApiKeyIdentity key, string id)
    {
        Key = key;
        Id = id;
    }

    /// <summary>The key it is held for.</summary>
    public ApiKeyIdentity Key { get; }

    /// <summary>
    /// Unique per request (a key without a budget too): the id Redis settles once, so a settlement sent again (its first
    /// reply outlived the store's timeout) counts nothing more.
    /// </summary>
    public string Id { get; }

    /// <summary>Tokens held: the request's estimated prompt plus its output room.</summary>
    public long Tokens { get; private init; }

    /// <summary>A proven check request held against the check allowance: its tokens count apart, outside the budget.</summary>
    public bool IsCheck { get; private init; }

    /// <summary>When the store forgets it, should its proxy die before settling it.</summary>
    public DateTimeOffset Expires { get; private init; }

    /// <summary>Whether Redis holds it (else this process does, and hands it to Redis when Redis answers again).</summary>
    internal bool HeldInStore { get; set; }

    /// <summary>
    /// Held in process because its reserve script outlived the store's timeout: that script may have run in Redis all
    /// the same, so its settlement goes to Redis by id, which releases it there too.
    /// </summary>
    internal bool ReserveUnanswered { get; private init; }

    /// <summary>Whether Redis holds it or may: its settlement must reach Redis by its id to release it there.</summary>
    internal bool MayBeInStore => HeldInStore || ReserveUnanswered;

    /// <summary>Whether anything is held (false for a key without a budget).</summary>
    public bool IsHeld { get; private init; }

    /// <summary>Nothing held: the key has no budget, and its request is counted when it ends.</summary>
    public static TokenReservation Unbudgeted(ApiKeyIdentity key) => new(key, NewId());

    internal static TokenReservation Held(ApiKeyIdentity key, string id, long tokens, bool isCheck, DateTimeOffset expires, bool heldInStore, bool reserveUnanswered = false) =>
        new(key, id) { IsHeld = true, Tokens = tokens, IsCheck = isCheck, Expires = expires, HeldInStore = heldInStore, ReserveUnanswered = reserveUnanswered };

    /// <summary>True the first time only: a reservation is settled once, however often its settlement is asked for.</summary>
    internal bool TrySettle() => Interlocked.Exchange(ref _settled, 1) == 0;

    /// <summary>A new reservation's id.</summary>
    internal static string NewId() => $"r-{Guid.NewGuid():N}";

    /// <summary>How Redis keeps it (<see cref="UsageScripts.Reserve"/>): <c>&lt;expires, unix ms&gt;|&lt;tokens&gt;|&lt;b or c&gt;</c>.</summary>
    internal string StoredValue =>
        string.Create(CultureInfo.InvariantCulture, $"{Expires.ToUnixTimeMilliseconds()}|{Tokens}|{(IsCheck ? 'c' : 'b')}");
}
