namespace CursorAspire.Check.Steps;

/// <summary>
/// Per thinking alias: a turn without a reasoning effort, as Cursor's requests mostly come (the alias's own default
/// applies), and how soon its stream opened: a thinking model may take long before its first token, and Cursor shows
/// a hang until the stream opens.
/// </summary>
/// <param name="model">A thinking alias.</param>
internal sealed class ThinkingStep(string model) : ICheckStep
{
    /// <summary>A stream that opens later than this looks like a hang in Cursor.</summary>
    public static readonly TimeSpan SlowOpening = TimeSpan.FromSeconds(2);

    public string Name => $"Thinking ({model})";

    public string? Model => model;

    public CheckPrerequisite Requires => CheckPrerequisite.Key;

    public async Task<CheckVerdict> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var turn = await StreamedTurn.SendAsync(context, CursorRequestBodies.ThinkingChat(model), context.Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        if (turn.Refusal is { } refusal)
        {
            return CheckVerdict.Fail($"A request without a reasoning effort to {model} would fail in Cursor (Cursor's requests mostly carry none). {Diagnosis.Of(refusal)}")
                with { Unresponsive = refusal.IsGatewayTimeout };
        }

        if (turn.Problem is { } problem)
        {
            return CheckVerdict.Fail($"A request without a reasoning effort to {model} would not show in Cursor: {problem}.");
        }

        var opened = CheckResult.Duration(turn.HeadersAfter);
        var firstToken = turn.Stream!.FirstToken is { } first ? CheckResult.Duration(first) : "never";
        return turn.HeadersAfter > SlowOpening
            ? CheckVerdict.Warn($"{model} answered, but its stream opened only after {opened} (first token after {firstToken}): Cursor shows a hang until then. " +
                "CursorAspire opens the stream after Proxy:StreamOpenAfter (0.5 s by default); something in front of it (a proxy that buffers) may hold it back.")
            : CheckVerdict.Pass($"Without an effort, {model} answered; the stream opened after {opened}, first token (reasoning or text) after {firstToken}.");
    }
}
