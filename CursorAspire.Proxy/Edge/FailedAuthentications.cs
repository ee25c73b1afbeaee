using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Telemetry;
using Microsoft.Extensions.Options;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// Failed authentications per client address: counted (<c>cursoraspire.auth.failures</c>), logged at most once a minute
/// per address with the count, and throttled with a fixed-window limiter per address
/// (<see cref="RateLimitOptions.FailedAuthenticationsPerMinute"/>), so a leaked URL cannot be used to guess keys.
/// </summary>
public sealed class FailedAuthentications : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<string>? _limiter;
    private readonly ConcurrentDictionary<string, LogWindow> _logWindows = new(StringComparer.Ordinal);
    private readonly Counter<long> _failures;
    private readonly TimeProvider _time;
    private readonly ILogger<FailedAuthentications> _logger;

    public FailedAuthentications(IOptions<ProxyOptions> options, IMeterFactory meterFactory, TimeProvider time, ILogger<FailedAuthentications> logger)
    {
        _time = time;
        _logger = logger;
        _failures = meterFactory.Create(ProxyMetrics.MeterName)
            .CreateCounter<long>("cursoraspire.auth.failures", "{request}", "Requests refused for a missing or wrong API key, by reason.");
        var limit = options.Value.RateLimit.FailedAuthenticationsPerMinute;
        if (limit > 0)
        {
            _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit,
                Window = Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        }
    }

    /// <summary>Whether <paramref name="address"/> used up its failures for this minute.</summary>
    public bool IsThrottled(string address) => _limiter?.GetStatistics(address)?.CurrentAvailablePermits == 0;

    /// <summary>Counts one failure from <paramref name="address"/> (<c>missing</c> or <c>invalid</c> key).</summary>
    public void Record(string address, string reason)
    {
        _failures.Add(1, new KeyValuePair<string, object?>("reason", reason));
        _limiter?.AttemptAcquire(address).Dispose();

        var now = _time.GetUtcNow();
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
        // At most once per address and minute, with how many came since the last line.
        _logger.LogWarning("{Count} failed API key(s) from {ClientAddress} since the last report (the latest: {Reason} key).", count, address, reason);
        if (_logWindows.Count > 10_000)
        {
            Prune(now);
        }
    }

    public void Dispose() => _limiter?.Dispose();

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
}
