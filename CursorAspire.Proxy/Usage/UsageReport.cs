using System.Globalization;
using CursorAspire.Proxy.Edge;

namespace CursorAspire.Proxy.Usage;

/// <summary>
/// One key's usage today and this month (UTC), per model, with estimated cost and savings: the body of
/// <c>GET …/v1/usage</c>. Only the calling key's own counters are read.
/// </summary>
public sealed class UsageReport(UsageLedger ledger)
{
    public async Task WriteAsync(Utf8JsonWriter json, ApiKeyIdentity key, CancellationToken cancellationToken)
    {
        var today = ledger.Today;
        var first = new DateOnly(today.Year, today.Month, 1);
        var days = await Task.WhenAll(Enumerable.Range(0, today.Day).Select(d => ledger.DayAsync(key, first.AddDays(d), cancellationToken))).ConfigureAwait(false);

        json.WriteStartObject();
        json.WriteString("object", "usage");
        json.WriteString("key", key.Name);
        json.WriteString("counting", ledger.Counting);
        if (key.Policy.TokensPerDay is { } budget)
        {
            json.WriteNumber("tokens_per_day", budget);
        }
        json.WritePropertyName("today");
        WritePeriod(json, "date", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), [days[^1]]);
        json.WritePropertyName("month");
        WritePeriod(json, "month", today.ToString("yyyy-MM", CultureInfo.InvariantCulture), days);
        json.WriteEndObject();
    }

    private static void WritePeriod(Utf8JsonWriter json, string label, string value, IReadOnlyList<IReadOnlyDictionary<string, long>> days)
    {
        // Sum the days per model and counter.
        var models = new SortedDictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        long tokens = 0, checkTokens = 0;
        foreach (var day in days)
        {
            foreach (var (field, amount) in day)
            {
                if (field == UsageLedger.TotalField)
                {
                    tokens += amount;
                    continue;
                }
                if (field == UsageLedger.CheckTotalField)
                {
                    checkTokens += amount;
                    continue;
                }
                var bar = field.LastIndexOf('|');
                if (bar <= 0)
                {
                    continue;
                }
                var counters = models.TryGetValue(field[..bar], out var existing) ? existing : models[field[..bar]] = new Dictionary<string, long>(StringComparer.Ordinal);
                counters[field[(bar + 1)..]] = counters.GetValueOrDefault(field[(bar + 1)..]) + amount;
            }
        }

        json.WriteStartObject();
        json.WriteString(label, value);
        json.WriteNumber("tokens", tokens);
        // Spent by proven "Check as Cursor" requests, outside the budget (within its allowance).
        json.WriteNumber("check_tokens", checkTokens);
        json.WriteStartObject("models");
        foreach (var (model, counters) in models)
        {
            json.WritePropertyName(model);
            WriteCounters(json, counters);
        }
        json.WriteEndObject();
        json.WritePropertyName("total");
        WriteCounters(json, models.Values.SelectMany(c => c).GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Sum(c => c.Value)));
        json.WriteEndObject();
    }

    private static void WriteCounters(Utf8JsonWriter json, IReadOnlyDictionary<string, long> counters)
    {
        json.WriteStartObject();
        foreach (var counter in UsageCounters.All)
        {
            var amount = counters.GetValueOrDefault(counter);
            switch (counter)
            {
                case UsageCounters.CostMicros:
                    json.WriteNumber("cost", amount / 1_000_000m);
                    break;
                case UsageCounters.SavedMicros:
                    json.WriteNumber("saved", amount / 1_000_000m);
                    break;
                default:
                    json.WriteNumber(counter, amount);
                    break;
            }
        }
        json.WriteEndObject();
    }
}
