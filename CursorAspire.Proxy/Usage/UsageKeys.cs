using System.Globalization;

namespace CursorAspire.Proxy.Usage;

/// <summary>
/// Where a key's usage lives in Redis. Every name carries the key id in braces (a Redis Cluster hash tag), so a key's
/// usage, reservations and check nonces share one slot and one script may touch them all. None has a TTL: Redis runs
/// with <c>maxmemory-policy volatile-lru</c>, which evicts only keys with one, so budgets are never evicted; the scripts
/// remove what is old themselves (<see cref="UsageScripts"/>).
/// </summary>
internal static class UsageKeys
{
    private const string DayFormat = "yyyy-MM-dd";

    /// <summary>One hash per key and UTC day: <c>total</c>, <c>check-total</c> and <c>&lt;model&gt;|&lt;counter&gt;</c>.</summary>
    public static string Day(string keyId, DateOnly day) => DayPrefix(keyId) + DayName(day);

    /// <summary>What <see cref="Day"/> names start with, for the script that removes days past the retention.</summary>
    public static string DayPrefix(string keyId) => $"cursoraspire:usage:{{{keyId}}}:";

    /// <summary>A sorted set of the days a key has a usage hash for (score: the day number), to find old ones.</summary>
    public static string Days(string keyId) => $"cursoraspire:usage-days:{{{keyId}}}";

    /// <summary>A hash of the key's reservations in flight: id → <c>&lt;expires, unix ms&gt;|&lt;tokens&gt;|&lt;b or c&gt;</c>.</summary>
    public static string Reservations(string keyId) => $"cursoraspire:reservations:{{{keyId}}}";

    /// <summary>
    /// A sorted set of the key's settled reservation ids, scored by when each may be forgotten (unix ms): a settlement
    /// sent twice (its first reply outlived the store's timeout) counts once.
    /// </summary>
    public static string Settled(string keyId) => $"cursoraspire:settled:{{{keyId}}}";

    /// <summary>
    /// How long <see cref="Settled"/> remembers an id: longer than a reservation is held (80 minutes by default) and than
    /// a usual outage, after which a proxy hands back what it settled in process. A settlement handed back later than
    /// this after a first try that did reach Redis would count twice.
    /// </summary>
    public static readonly TimeSpan SettledKeptFor = TimeSpan.FromDays(1);

    /// <summary>A hash of the check proofs' nonces already used: nonce → expires (unix ms).</summary>
    public static string CheckNonces(string keyId) => $"cursoraspire:check-nonces:{{{keyId}}}";

    /// <summary>The day as the usage hash names it.</summary>
    public static string DayName(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

    /// <summary>The key id and day of a <see cref="Day"/> name.</summary>
    public static bool TryParseDay(string name, out string keyId, out DateOnly day)
    {
        keyId = string.Empty;
        day = default;
        var open = name.IndexOf('{');
        var close = name.IndexOf('}', open + 1);
        if (open < 0 || close < 0 || close + 2 > name.Length
            || !DateOnly.TryParseExact(name.AsSpan(close + 2), DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            return false;
        }
        keyId = name[(open + 1)..close];
        return true;
    }
}
