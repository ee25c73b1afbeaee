using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using CursorAspire.Proxy.Storage;
using CursorAspire.Proxy.Telemetry;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// Failed authentications per client address: counted (<c>cursoraspire.auth.failures</c>), logged at most once a minute
/// per address with the count, and throttled per address and UTC minute
/// (<see cref="RateLimitOptions.FailedAuthenticationsPerMinute"/>), so a leaked URL cannot be used to guess keys. The
/// count is kept in the proxy's store (Redis under the AppHost), so replicas and restarts share it; each process counts
/// on its own while Redis is down.
/// </summary>
/// <remarks>
/// Only a failure is looked at, never a right key: an address over its limit gets 429 for its wrong or missing keys
/// until its minute ends, remembered here, so a throttled address costs the store nothing more. Another replica learns
/// of it from the next failure it sees from that address, so across N replicas an address gets at most N − 1 guesses
/// past the limit in a minute.
/// </remarks>
public sealed partial class FailedAuthentications
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly int _limit;
    private readonly MinuteCounter _counter;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _throttledUntil = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LogWindow> _logWindows = new(StringComparer.Ordinal);
    private readonly Counter<long> _failures;
    private readonly TimeProvider _time;
    private readonly ILogger<FailedAuthentications> _logger;

    public FailedAuthentications(IOptions<EdgeOptions> options, MinuteCounter counter, ProxyMeter meter, TimeProvider time, ILogger<FailedAuthentications> logger)
    {
        _limit = options.Value.RateLimit.FailedAuthenticationsPerMinute;
        _counter = counter;
        _time = time;
        _logger = logger;
        _failures = meter.Meter.CreateCounter<long>("cursoraspire.auth.failures", "{request}", "Requests refused for a missing or wrong API key, by reason.");
    }

    /// <summary>How long <paramref name="address"/>'s wrong keys stay refused (it used up its failures for this minute); null when they are not.</summary>
    public TimeSpan? ThrottledFor(string address) =>
        _throttledUntil.TryGetValue(address, out var until) && until - _time.GetUtcNow() is { Ticks: > 0 } left ? left : null;

    /// <summary>Counts one failure from <paramref name="address"/> (<c>missing</c> or <c>invalid</c> key).</summary>
    /// <returns>How long the address is throttled, when it already was (answer 429); null when this failure is answered 401.</returns>
    public async ValueTask<TimeSpan?> RecordAsync(string address, string reason, CancellationToken cancellationToken)
    {
        _failures.Add(1, new KeyValuePair<string, object?>("reason", reason));
        var now = _time.GetUtcNow();
        Report(address, reason, now);
        if (_limit <= 0)
        {
            return null;
        }
        if (ThrottledFor(address) is { } wait)
        {
            return wait;
        }

        var (count, minuteEnds) = await _counter.AddAsync($"cursoraspire:auth-failures:{address}", 1, durable: false, cancellationToken).ConfigureAwait(false);
        if (count >= _limit)
        {
            _throttledUntil[address] = minuteEnds;
            if (_throttledUntil.Count > 10_000)
            {
                PruneThrottled(now);
            }
        }
        return null;
    }

    // At most once per address and minute, with how many came since the last line.
    private void Report(string address, string reason, DateTimeOffset now)
    {
        var log = _logWindows.GetOrAdd(address, static _ => new LogWindow());
        long count;
        lock (log)
        {
            log.Pending++;
            if (log.LastLogged is { } last && now - last < Window)
            {
                return;
            }
            count = log.Pending;
            log.Pending = 0;
            log.LastLogged = now;
        }
        LogFailedKeys(_logger, count, address, reason);
        if (_logWindows.Count > 10_000)
        {
            Prune(now);
        }
    }

    private void PruneThrottled(DateTimeOffset now)
    {
        foreach (var (address, until) in _throttledUntil)
        {
            if (until <= now)
            {
                _throttledUntil.TryRemove(address, out _);
            }
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (address, window) in _logWindows)
        {
            if (now - window.LastLogged >= Window)
            {
                _logWindows.TryRemove(address, out _);
            }
        }
    }

    /// <summary>When an address was last reported, and its failures since.</summary>
    private sealed class LogWindow
    {
        public DateTimeOffset? LastLogged { get; set; }
        public long Pending { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} failed API key(s) from {ClientAddress} since the last report (the latest: {Reason} key).")]
    private static partial void LogFailedKeys(ILogger logger, long count, string clientAddress, string reason);
}
