using CursorAspire.Check.Http;

namespace CursorAspire.Check.Steps;

/// <summary>
/// Step 4, per model: a short streamed chat as Cursor's Ask mode sends it, timed to its first token. A slow first
/// token is tried once more: fast the second time means the model was still loading; slow again means it is slow.
/// </summary>
/// <param name="model">The model name Cursor would send.</param>
internal sealed class StreamedChatStep(string model) : ICheckStep
{
    public string Name => $"Chat ({model})";

    public string? Model => model;

    public CheckPrerequisite Requires => CheckPrerequisite.Key;

    public async Task<CheckVerdict> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var slow = context.Options.SlowFirstToken;
        var first = await StreamOnceAsync(context, cancellationToken).ConfigureAwait(false);
        if (first.Failure is { } failed)
        {
            return failed;
        }

        var firstToken = first.FirstToken!.Value;
        if (firstToken <= slow)
        {
            return CheckVerdict.Pass($"Streamed an answer; first token after {Seconds(firstToken)}.");
        }

        var second = await StreamOnceAsync(context, cancellationToken).ConfigureAwait(false);
        if (second.Failure is { } failedAgain)
        {
            return failedAgain;
        }

        var secondToken = second.FirstToken!.Value;
        return secondToken <= slow
            ? CheckVerdict.Warn(
                $"The first token took {Seconds(firstToken)}: the model is still loading (a local model is loaded into memory on first use, and again " +
                $"after it sat idle). Once loaded it answered in {Seconds(secondToken)}. Cursor's first request after a pause waits as long; " +
                "keep the model loaded longer (Ollama's keep_alive) if that bothers you.")
            : CheckVerdict.Warn(
                $"The first token took {Seconds(firstToken)}, and {Seconds(secondToken)} again on a second try: not just loading, the model is slow " +
                "to start answering on this machine, and Cursor will feel slow. Use a smaller model, or a GPU.");
    }

    private async Task<(TimeSpan? FirstToken, CheckVerdict? Failure)> StreamOnceAsync(CheckContext context, CancellationToken cancellationToken)
    {
        StreamedTurn turn;
        try
        {
            turn = await StreamedTurn.SendAsync(context, CursorRequestBodies.StreamedChat(model), context.Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (CheckTimeoutException timeout)
        {
            return (null, CheckVerdict.Fail(
                $"Chat with {model} sent {timeout.Message}: the model's server is down or hanging (under the AppHost, look at the 'ollama' row), or the model is " +
                "still loading, or far too slow for this machine. Try again in a minute; if it stays so, use a smaller model.") with { Unresponsive = true });
        }

        return turn switch
        {
            { Refusal: { } refusal } => (null, CheckVerdict.Fail($"Chat with {model} would fail in Cursor. {Diagnosis.Of(refusal)}") with { Unresponsive = refusal.IsGatewayTimeout }),
            { Problem: { } problem } => (null, CheckVerdict.Fail($"Chat with {model} would not show in Cursor: {problem}.")),
            _ => (turn.Stream!.FirstToken, null),
        };
    }

    private static string Seconds(TimeSpan time) => CheckResult.Duration(time);
}
