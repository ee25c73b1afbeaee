namespace CursorAspire.Proxy.Usage;

/// <summary>
/// A settlement this process keeps for Redis while Redis is down, under the id Redis settles once
/// (<see cref="UsageScripts.Settle"/>): handing it back twice, or after a first try that did reach Redis, counts it once.
/// </summary>
/// <param name="Id">Its reservation's id, or a new one for counts gathered in process.</param>
/// <param name="Group">The key-day's usage hash (<see cref="UsageKeys.Day"/>).</param>
/// <param name="Increments">Counter and amount pairs to add.</param>
internal sealed record PendingSettlement(string Id, string Group, KeyValuePair<string, long>[] Increments);
