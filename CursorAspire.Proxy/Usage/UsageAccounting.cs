using System.Diagnostics;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Usage;

/// <summary>
/// Counts one answered request: its tokens, estimated cost and savings, in the metrics and in the key's
/// <see cref="UsageLedger"/>. A reply from the response cache spent nothing upstream: it counts as a cache hit and as
/// what it saved, never against a budget.
/// </summary>
public sealed class UsageAccounting(UsageLedger ledger, UsageMetrics metrics)
{
    private static readonly ModelPricing NoPricing = new();

    /// <param name="turn">The request, with the route that answered it.</param>
    /// <param name="usage">The usage the client was told: the upstream's, with the proxy's estimates where it gave none.</param>
    /// <param name="fromResponseCache">Whether the proxy's response cache answered.</param>
    /// <param name="isCheck">
    /// Whether it is a "Check as Cursor" request (<see cref="CheckRequestHeader"/>): its tokens count outside the
    /// budget while today's check tokens stay within <see cref="UsageLedger.CheckAllowancePerDay"/>.
    /// </param>
    public async Task RecordAsync(ChatTurn turn, UsageDetails usage, bool fromResponseCache, bool isCheck = false)
    {
        var model = turn.UsageModel;
        var pricing = turn.AnsweringRoute.Model?.Pricing ?? NoPricing;
        var tokens = TokenUsage.From(usage);
        var tags = new TagList { { "gen_ai.request.model", model }, { "cursoraspire.key.name", turn.Key.Name } };

        if (fromResponseCache)
        {
            var saved = UsageCost.SavedByResponseCache(tokens, pricing);
            metrics.Saved.Add((double)saved, [.. tags, new("source", "response_cache")]);
            await ledger.AddAsync(turn.Key,
            [
                new(UsageCounters.Field(model, UsageCounters.CacheHits), 1),
                new(UsageCounters.Field(model, UsageCounters.SavedMicros), UsageCounters.Micros(saved)),
            ], CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var cost = UsageCost.Of(tokens, pricing);
        var savedByProvider = UsageCost.SavedByProviderCache(tokens, pricing);
        metrics.Tokens.Add(tokens.Input, [.. tags, new("gen_ai.token.type", "input")]);
        metrics.Tokens.Add(tokens.Output, [.. tags, new("gen_ai.token.type", "output")]);
        if (tokens.CachedInput > 0)
        {
            metrics.Tokens.Add(tokens.CachedInput, [.. tags, new("gen_ai.token.type", "cached_input")]);
        }
        if (tokens.CacheWrite > 0)
        {
            metrics.Tokens.Add(tokens.CacheWrite, [.. tags, new("gen_ai.token.type", "cache_write")]);
        }
        metrics.Cost.Add((double)cost, tags);
        if (savedByProvider != 0)
        {
            metrics.Saved.Add((double)savedByProvider, [.. tags, new("source", "provider_cache")]);
        }
        var spent = tokens.Input + tokens.Output;
        var budgetField = isCheck && await WithinCheckAllowanceAsync(turn, spent).ConfigureAwait(false)
            ? UsageLedger.CheckTotalField
            : UsageLedger.TotalField;
        await ledger.AddAsync(turn.Key,
        [
            new(budgetField, spent),
            new(UsageCounters.Field(model, UsageCounters.Requests), 1),
            new(UsageCounters.Field(model, UsageCounters.Input), tokens.Input),
            new(UsageCounters.Field(model, UsageCounters.CachedInput), tokens.CachedInput),
            new(UsageCounters.Field(model, UsageCounters.CacheWrite), tokens.CacheWrite),
            new(UsageCounters.Field(model, UsageCounters.Output), tokens.Output),
            new(UsageCounters.Field(model, UsageCounters.CostMicros), UsageCounters.Micros(cost)),
            new(UsageCounters.Field(model, UsageCounters.SavedMicros), UsageCounters.Micros(savedByProvider)),
        ], CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a non-streamed upstream call. When the client leaves while it runs, the prompt the provider already took
    /// counts (the proxy's estimate): a key must not dodge its budget by disconnecting before the answer.
    /// </summary>
    public async Task<ChatResponse> CountingAbandonedAsync(ChatTurn turn, Func<ChatTurn, CancellationToken, Task<ChatResponse>> call, bool isCheck, CancellationToken aborted)
    {
        try
        {
            return await call(turn, aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            var prompt = new UsageDetails { InputTokenCount = turn.EstimatedPromptTokens, OutputTokenCount = 0, TotalTokenCount = turn.EstimatedPromptTokens };
            await RecordAsync(turn, prompt, fromResponseCache: false, isCheck).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<bool> WithinCheckAllowanceAsync(ChatTurn turn, long tokens)
    {
        var today = await ledger.DayAsync(turn.Key, ledger.Today, CancellationToken.None).ConfigureAwait(false);
        return today.GetValueOrDefault(UsageLedger.CheckTotalField) + tokens <= UsageLedger.CheckAllowancePerDay;
    }
}
