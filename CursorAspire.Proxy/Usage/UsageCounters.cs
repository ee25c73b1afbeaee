using System.Collections.Concurrent;

namespace CursorAspire.Proxy.Usage;

/// <summary>The per-model counters a day of usage keeps (<c>&lt;model&gt;|&lt;counter&gt;</c>).</summary>
public static class UsageCounters
{
    public const string Requests = "requests";
    public const string CacheHits = "cache_hits";
    public const string Input = "input_tokens";
    public const string CachedInput = "cached_input_tokens";
    public const string CacheWrite = "cache_write_tokens";
    public const string Output = "output_tokens";

    /// <summary>Estimated cost, in millionths of the pricing's currency.</summary>
    public const string CostMicros = "cost_micros";

    /// <summary>Estimated savings (provider prompt cache and the proxy's response cache), in millionths.</summary>
    public const string SavedMicros = "saved_micros";

    /// <summary>Every counter, in report order.</summary>
    public static readonly string[] All = [Requests, CacheHits, Input, CachedInput, CacheWrite, Output, CostMicros, SavedMicros];

    /// <summary>The field of <paramref name="counter"/> for <paramref name="model"/>: <c>&lt;model&gt;|&lt;counter&gt;</c>.</summary>
    /// <remarks>
    /// Every request settles eight of them: the names are made once per model (up to <see cref="MaxCachedModels"/>
    /// models, a bound because a direct route's model name comes from the request; past it they are made per call).
    /// </remarks>
    public static string Field(string model, string counter)
    {
        var index = Array.IndexOf(All, counter);
        if (index < 0)
        {
            return $"{model}|{counter}";
        }
        if (!FieldsByModel.TryGetValue(model, out var fields))
        {
            fields = [.. All.Select(c => $"{model}|{c}")];
            if (FieldsByModel.Count < MaxCachedModels)
            {
                fields = FieldsByModel.GetOrAdd(model, fields);
            }
        }
        return fields[index];
    }

    /// <summary>How many models' field names <see cref="Field"/> keeps.</summary>
    public const int MaxCachedModels = 1024;

    private static readonly ConcurrentDictionary<string, string[]> FieldsByModel = new(StringComparer.Ordinal);

    public static long Micros(decimal amount) => (long)Math.Round(amount * 1_000_000m, MidpointRounding.AwayFromZero);
}
