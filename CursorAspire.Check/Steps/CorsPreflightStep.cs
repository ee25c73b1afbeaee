namespace CursorAspire.Check.Steps;

/// <summary>
/// Step 5: the CORS preflight Cursor's desktop app sends before Verify (its browser engine does):
/// <c>OPTIONS …/chat/completions</c> with its <c>Origin</c>, <c>Access-Control-Request-Method: POST</c> and
/// <c>Access-Control-Request-Headers: authorization,content-type</c>, and no key. It must be answered 2xx without a key,
/// allowing that origin (never <c>*</c> with credentials), POST, and both headers.
/// </summary>
internal sealed class CorsPreflightStep : ICheckStep
{
    private static readonly string[] RequestedHeaders = ["authorization", "content-type"];

    public string Name => "CORS preflight";

    public CheckPrerequisite Requires => CheckPrerequisite.PublicUrl;

    public async Task<CheckVerdict> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var origin = context.Options.Origin;
        var url = context.Api("chat/completions");
        var request = context.Request(HttpMethod.Options, url, key: string.Empty);
        request.Headers.TryAddWithoutValidation("Origin", origin);
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", string.Join(",", RequestedHeaders));
        using var exchange = await context.SendAsync(request, cancellationToken).ConfigureAwait(false);
        const string Consequence = "Cursor's app then cannot send Verify (it reports a network error)";
        if (!exchange.Response.IsSuccessStatusCode)
        {
            var answer = await exchange.ReadAnswerAsync().ConfigureAwait(false);
            return CheckVerdict.Fail(answer.Status == 401
                ? $"The preflight is refused for want of a key ({answer.Quote()}), but a browser never sends one on a preflight: answer OPTIONS before checking the key. {Consequence}."
                : $"OPTIONS {url} is not answered with 2xx. {Diagnosis.Of(answer)} {Consequence}.");
        }

        var problems = new List<string>();
        var allowOrigin = exchange.Header("Access-Control-Allow-Origin");
        var credentials = string.Equals(exchange.Header("Access-Control-Allow-Credentials"), "true", StringComparison.OrdinalIgnoreCase);
        if (allowOrigin is null)
        {
            problems.Add("no Access-Control-Allow-Origin");
        }
        else if (allowOrigin == "*" && credentials)
        {
            problems.Add("Access-Control-Allow-Origin '*' together with Allow-Credentials: true, which browsers reject");
        }
        else if (allowOrigin != "*" && allowOrigin != origin)
        {
            problems.Add($"Access-Control-Allow-Origin is '{allowOrigin}', not Cursor's '{origin}'");
        }

        var methods = List(exchange.Header("Access-Control-Allow-Methods"));
        if (!methods.Contains("*") && !methods.Contains("POST", StringComparer.OrdinalIgnoreCase))
        {
            problems.Add("POST is not among Access-Control-Allow-Methods");
        }

        var headers = List(exchange.Header("Access-Control-Allow-Headers"));
        var missing = headers.Contains("*") ? [] : RequestedHeaders.Where(h => !headers.Contains(h, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"Access-Control-Allow-Headers lacks {string.Join(" and ", missing)}");
        }

        return problems.Count == 0
            ? CheckVerdict.Pass($"OPTIONS from Cursor's app (Origin {origin}) answered {exchange.Status}, allowing POST with authorization and content-type.")
            : CheckVerdict.Fail($"The preflight from Cursor's app (Origin {origin}) answered {exchange.Status} with {string.Join("; ", problems)}. {Consequence}.");
    }

    private static List<string> List(string? header) =>
        header is null ? [] : [.. header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
