using CursorAspire.Check.Http;
using CursorAspire.Check.Steps;

namespace CursorAspire.Check;

/// <summary>
/// "Check as Cursor": does, through the public URL, what Cursor's servers and desktop app do, and says in plain words
/// what would go wrong and how to fix it. HTTP only, so it checks any CursorAspire proxy (or any OpenAI-compatible
/// URL) with its key.
/// </summary>
/// <remarks>
/// The steps: 1 the public URL answers; 2 <c>GET …/models</c> lists the models and a wrong key is refused; 3 Cursor's
/// Verify gets 200; 4 per model, a short streamed chat (time to first token), an agent turn that must come back as a
/// tool call, and the context window against Cursor's usual prompt; 5 once, the other dialects Cursor sends: a
/// Claude-style (Anthropic-shaped) agent turn and a variant name (<c>…-thinking</c>), and per thinking alias a turn
/// without an effort; 6 the CORS preflight of Cursor's app. The check's own requests are small, never cached, and marked
/// so the proxy keeps them out of the key's budget.
/// </remarks>
/// <param name="http">The client; its own timeout should be infinite (each request has its deadline).</param>
/// <param name="options">What to check.</param>
/// <param name="timeProvider">Clock for timings and deadlines.</param>
public sealed class CursorCheck(HttpClient http, CursorCheckOptions options, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Runs every step in order and reports each as it ends.</summary>
    /// <param name="onResult">Called after each step, e.g. to log it while the rest runs.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    public async Task<CheckReport> RunAsync(Func<CheckResult, CancellationToken, Task>? onResult = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options.BaseUrl);
        var context = new CheckContext(http, options, _time);
        var results = new List<CheckResult>();

        async Task RunStepAsync(ICheckStep step)
        {
            var result = await RunOneAsync(step, context, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            if (onResult is not null)
            {
                await onResult(result, cancellationToken).ConfigureAwait(false);
            }
        }

        await RunStepAsync(new PublicUrlStep()).ConfigureAwait(false);
        await RunStepAsync(new ModelsStep()).ConfigureAwait(false);
        await RunStepAsync(new VerifyStep()).ConfigureAwait(false);
        foreach (var model in context.ModelsToCheck)
        {
            await RunStepAsync(new StreamedChatStep(model)).ConfigureAwait(false);
            await RunStepAsync(new AgentToolCallStep(model)).ConfigureAwait(false);
            if (options.ContextProbeTokens > 0)
            {
                await RunStepAsync(new ContextWindowStep(model)).ConfigureAwait(false);
            }
        }

        if (context.ModelsToCheck.Count == 0)
        {
            await RunStepAsync(new NoModelStep()).ConfigureAwait(false);
        }
        else
        {
            // Cursor sends the Anthropic shape for names containing 'claude': that model if there is one.
            var claudeStyle = context.ModelsToCheck.FirstOrDefault(m => m.Contains("claude", StringComparison.OrdinalIgnoreCase)) ?? context.ModelsToCheck[0];
            await RunStepAsync(new AgentToolCallStep(claudeStyle, claudeStyle: true)).ConfigureAwait(false);
            await RunStepAsync(new VariantNameStep(context.ModelsToCheck[0])).ConfigureAwait(false);
        }

        foreach (var model in options.ThinkingModels)
        {
            await RunStepAsync(new ThinkingStep(model)).ConfigureAwait(false);
        }

        await RunStepAsync(new CorsPreflightStep()).ConfigureAwait(false);
        return new CheckReport(options.BaseUrl, results);
    }

    private async Task<CheckResult> RunOneAsync(ICheckStep step, CheckContext context, CancellationToken cancellationToken)
    {
        if (NotRunBecause(step, context) is { } why)
        {
            return CheckResult.Skipped(step.Name, why);
        }

        var started = _time.GetTimestamp();
        CheckVerdict verdict;
        try
        {
            verdict = await step.RunAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            verdict = CheckVerdict.Fail(Diagnosis.Of(ex, context.Options.BaseUrl));
        }
        catch (CheckTimeoutException ex)
        {
            verdict = CheckVerdict.Fail(Diagnosis.Of(ex)) with { Unresponsive = true };
        }

        if (verdict.Unresponsive)
        {
            context.Unresponsive.TryAdd(step.Model ?? CheckContext.AnyModel, step.Name);
        }

        return new CheckResult(step.Name, verdict.Outcome, verdict.Message, _time.GetElapsedTime(started));
    }

    private static string? NotRunBecause(ICheckStep step, CheckContext context) => step.Requires switch
    {
        CheckPrerequisite.PublicUrl or CheckPrerequisite.Key when !context.PublicUrlAnswers => "not run: the public URL does not answer (see 'Public URL').",
        CheckPrerequisite.Key when context.KeyRefused => "not run: the key is refused (see 'Models and key').",
        CheckPrerequisite.Key when context.Unresponsive.TryGetValue(CheckContext.AnyModel, out var where)
            || (step.Model is { } model && context.Unresponsive.TryGetValue(model, out where)) => $"not run: no answer in time (see '{where}').",
        _ => null,
    };
}
