using System.Globalization;
using CursorAspire.Check.Http;

namespace CursorAspire.Check.Steps;

/// <summary>
/// Step 4, per model: does a prompt of Cursor's usual size fit? Learned over HTTP alone: the step sends a prompt of
/// about <see cref="CursorCheckOptions.ContextProbeTokens"/> tokens with <c>max_tokens</c> 1. CursorAspire (and
/// OpenAI) refuse a prompt that does not fit with 400 <c>context_length_exceeded</c>; a server that silently truncates
/// (Ollama does) gives itself away in the usage it reports: far fewer prompt tokens than were sent.
/// </summary>
/// <param name="model">The model name Cursor would send.</param>
internal sealed class ContextWindowStep(string model) : ICheckStep
{
    /// <summary>A reported prompt below this share of the estimate means the server cut it.</summary>
    private const double TruncatedBelow = 0.5;

    /// <summary>Said when Ollama's window is too small: the AppHost's setting, and the proxy's own.</summary>
    public const string ContextLengthFix =
        "Ollama would truncate Cursor's prompt: raise `Ollama:ContextLength` (AppHost; `Proxy:Models:<alias>:ContextLength` for the proxy alone) " +
        "to at least 32768, if the model supports it, or use a model with a larger window.";

    public string Name => $"Context window ({model})";

    public string? Model => model;

    public CheckPrerequisite Requires => CheckPrerequisite.Key;

    public async Task<CheckVerdict> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var tokens = context.Options.ContextProbeTokens;
        var size = string.Create(CultureInfo.InvariantCulture, $"about {tokens:N0} tokens");
        if (!context.Options.ProbeContextOf(model))
        {
            return CheckVerdict.Pass($"Not probed: {model} is a remote model, and a remote provider refuses a prompt that does not fit (Cursor shows its error) rather than cutting it.");
        }

        StreamedTurn turn;
        try
        {
            turn = await StreamedTurn.SendAsync(context, CursorRequestBodies.ContextProbe(model, tokens), context.Options.ContextProbeTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (CheckTimeoutException timeout)
        {
            return CheckVerdict.Warn($"A prompt of Cursor's usual size ({size}) got {timeout.Message}: the model reads prompts that long very slowly here, " +
                "so each new Cursor chat waits as long before its first token. Use a GPU or a smaller model.");
        }

        if (turn.Refusal is { } refusal)
        {
            return refusal.Code == "context_length_exceeded" || (refusal.Status is 400 or 413 && refusal.Message.Contains("context", StringComparison.OrdinalIgnoreCase))
                ? CheckVerdict.Fail($"Cursor's usual prompt ({size}) does not fit {model}'s context window ({refusal.Quote()}). {ContextLengthFix}")
                : CheckVerdict.Fail($"A prompt of Cursor's usual size ({size}) fails. {Diagnosis.Of(refusal)}");
        }

        if (turn.Problem is { } problem)
        {
            return CheckVerdict.Fail($"A prompt of Cursor's usual size ({size}) does not come back usable: {problem}.");
        }

        var reported = turn.Stream!.PromptTokens;
        if (reported is > 0 and var read && read < tokens * TruncatedBelow)
        {
            return CheckVerdict.Fail(string.Create(CultureInfo.InvariantCulture,
                $"The server read only {read:N0} prompt tokens of a prompt of {size}: it cut the prompt, as Ollama does silently when its context window is " +
                $"smaller (unless it counts cached prompt tokens apart). {ContextLengthFix} (Ollama on its own: OLLAMA_CONTEXT_LENGTH or num_ctx.)"));
        }

        return CheckVerdict.Pass(reported is > 0 and var count
            ? string.Create(CultureInfo.InvariantCulture, $"A prompt of Cursor's usual size fits: the server read {count:N0} prompt tokens.")
            : $"A prompt of Cursor's usual size ({size}) was accepted (no usage reported).");
    }
}
