namespace CursorAspire.Check.Steps;

/// <summary>
/// Step 3: Cursor's Verify button. The desktop app sends <c>POST …/chat/completions</c>, unstreamed, <c>max_tokens</c>
/// 10, with a model name that is usually not one the server serves, from its browser engine (so with an
/// <c>Origin</c>). Cursor passes it only on HTTP 200, and only if the browser lets it read the answer.
/// </summary>
internal sealed class VerifyStep : ICheckStep
{
    public string Name => "Verify";

    public CheckPrerequisite Requires => CheckPrerequisite.Key;

    public async Task<CheckVerdict> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var request = context.Request(HttpMethod.Post, context.Api("chat/completions"), CursorRequestBodies.Verify());
        request.Headers.TryAddWithoutValidation("Origin", context.Options.Origin);
        using var exchange = await context.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (exchange.Status != 200)
        {
            var answer = await exchange.ReadAnswerAsync().ConfigureAwait(false);
            var why = answer.Status == 404 && answer.Code == "model_not_found"
                ? $"The server does not know the model name Verify sends ('{CursorRequestBodies.VerifyModel}'; Cursor sends the first enabled model's name, " +
                  $"or 'please-enable-some-models'): route unknown model names to a default model (CursorAspire: Proxy:DefaultModel, AppHost:DefaultModel). {answer.Quote()}."
                : Diagnosis.Of(answer);
            return CheckVerdict.Fail($"Cursor's Verify would fail: it passes only on HTTP 200. {why}") with { Unresponsive = answer.IsGatewayTimeout };
        }

        await exchange.ReadBodyAsync().ConfigureAwait(false); // Cursor never reads it; the answer must just complete
        var allowOrigin = exchange.Header("Access-Control-Allow-Origin");
        return allowOrigin is null || (allowOrigin != "*" && allowOrigin != context.Options.Origin)
            ? CheckVerdict.Warn($"Verify got 200, but without Access-Control-Allow-Origin for Cursor's app ({context.Options.Origin}): its browser engine may refuse the answer. Allow that origin (CursorAspire reflects any origin).")
            : CheckVerdict.Pass($"Cursor's Verify call (model '{CursorRequestBodies.VerifyModel}', as Cursor may send it) got 200.");
    }
}
