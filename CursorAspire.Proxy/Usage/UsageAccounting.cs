using System.Diagnostics;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Usage;

/// <summary>
/// Settles one request: its tokens, estimated cost and savings, in the metrics and in the key's
/// <see cref="UsageLedger"/>, releasing what its <see cref="TokenReservation"/> held. A reply from the response cache
/// spent nothing upstream: it counts as a cache hit and as what it saved, never against a budget.
/// </summary>
public sealed class UsageAccounting(UsageLedger ledger, UsageMetrics metrics)
{
    private static readonly ModelPricing NoPricing = new();

    /// <param name="turn">The request, with the route that answered it.</param>
    /// <param name="usage">
    /// What the request cost: the usage the client was told (the upstream's, with the proxy's estimates where it gave
    /// none), what a cut answer cost so far, or nothing for a request refused upstream before any answer.
    /// </param>
    /// <param name="fromResponseCache">Whether the proxy's response cache answered.</param>
    /// <param name="reservation">What admission held for it (<see cref="TokenBudget"/>); a proven check's tokens count apart.</param>
    public async Task RecordAsync(ChatTurn turn, UsageDetails? usage, bool fromResponseCache, TokenReservation reservation)
    {
        if (usage is null)
        {
            // Refused upstream before any answer: nothing was spent, and what was held is free again.
            await ledger.SettleAsync(reservation, []).ConfigureAwait(false);
            return;
        }
        var model = turn.UsageModel;
        var pricing = turn.AnsweringRoute.Model?.Pricing ?? NoPricing;
        var tokens = TokenUsage.From(usage);
        var tags = new TagList { { "gen_ai.request.model", model }, { "cursoraspire.key.name", turn.Key.Name } };

        if (fromResponseCache)
        {
            var saved = UsageCost.SavedByResponseCache(tokens, pricing);
            metrics.Saved.Add((double)saved, With(tags, "source", "response_cache"));
            await ledger.SettleAsync(reservation,
            [
                new(UsageCounters.Field(model, UsageCounters.CacheHits), 1),
                new(UsageCounters.Field(model, UsageCounters.SavedMicros), UsageCounters.Micros(saved)),
            ]).ConfigureAwait(false);
            return;
        }

        var cost = UsageCost.Of(tokens, pricing);
        var savedByProvider = UsageCost.SavedByProviderCache(tokens, pricing);
        metrics.Tokens.Add(tokens.Input, With(tags, "gen_ai.token.type", "input"));
        metrics.Tokens.Add(tokens.Output, With(tags, "gen_ai.token.type", "output"));
        if (tokens.CachedInput > 0)
        {
            metrics.Tokens.Add(tokens.CachedInput, With(tags, "gen_ai.token.type", "cached_input"));
        }
        if (tokens.CacheWrite > 0)
        {
            metrics.Tokens.Add(tokens.CacheWrite, With(tags, "gen_ai.token.type", "cache_write"));
        }
        metrics.Cost.Add((double)cost, tags);
        if (savedByProvider != 0)
        {
            metrics.Saved.Add((double)savedByProvider, With(tags, "source", "provider_cache"));
        }
        await ledger.SettleAsync(reservation,
        [
            new(reservation.IsCheck ? UsageLedger.CheckTotalField : UsageLedger.TotalField, tokens.Input + tokens.Output),
            new(UsageCounters.Field(model, UsageCounters.Requests), 1),
            new(UsageCounters.Field(model, UsageCounters.Input), tokens.Input),
            new(UsageCounters.Field(model, UsageCounters.CachedInput), tokens.CachedInput),
            new(UsageCounters.Field(model, UsageCounters.CacheWrite), tokens.CacheWrite),
            new(UsageCounters.Field(model, UsageCounters.Output), tokens.Output),
            new(UsageCounters.Field(model, UsageCounters.CostMicros), UsageCounters.Micros(cost)),
            new(UsageCounters.Field(model, UsageCounters.SavedMicros), UsageCounters.Micros(savedByProvider)),
        ]).ConfigureAwait(false);
    }

    /// <summary>The request's tags and one more: a copy of the <see cref="TagList"/> struct (no array below nine tags).</summary>
    private static TagList With(TagList tags, string key, object? value)
    {
        tags.Add(key, value);
        return tags;
    }

    /// <summary>What a request cut before its answer cost: the prompt the provider already took (the proxy's estimate).</summary>
    public static UsageDetails PromptOnly(ChatTurn turn) =>
        new() { InputTokenCount = turn.EstimatedPromptTokens, OutputTokenCount = 0, TotalTokenCount = turn.EstimatedPromptTokens };
}
