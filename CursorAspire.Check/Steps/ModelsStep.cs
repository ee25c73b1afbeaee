using System.Text.Json;
using CursorAspire.Contracts;

namespace CursorAspire.Check.Steps;

/// <summary>
/// Step 2: <c>GET …/models</c> with the key lists the models to add in Cursor (every expected one among them, none
/// with a name Cursor would not route here), and the same request with a wrong key is refused.
/// </summary>
internal sealed class ModelsStep : ICheckStep
{
    public string Name => "Models and key";

    public CheckPrerequisite Requires => CheckPrerequisite.PublicUrl;

    public async Task<CheckVerdict> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var url = context.Api("models");
        List<string> listed;
        using (var exchange = await context.SendAsync(context.Request(HttpMethod.Get, url), cancellationToken).ConfigureAwait(false))
        {
            if (!exchange.Response.IsSuccessStatusCode)
            {
                var answer = await exchange.ReadAnswerAsync().ConfigureAwait(false);
                context.KeyRefused = answer.Status is 401 or 403;
                return CheckVerdict.Fail(answer.Status == 404 && !answer.FromCloudflare
                    ? $"GET {url} is not served ({answer.Quote()}): Cursor reports a missing /models as \"Unauthorized\". Check the base URL: Cursor appends /models and /chat/completions to it as typed (it usually ends in /v1)."
                    : $"GET {url}: {Diagnosis.Of(answer)}");
            }

            if (ReadModelIds(await exchange.ReadBodyAsync().ConfigureAwait(false)) is not { } ids)
            {
                return CheckVerdict.Fail($"GET {url} answered {exchange.Status}, but not with OpenAI's list of models ({{\"object\":\"list\",\"data\":[{{\"id\":…}}]}}): Cursor cannot read it. Is the base URL an OpenAI-compatible API?");
            }

            listed = ids;
        }

        context.ListedModels = listed;
        var wrongKey = await WrongKeyAsync(context, url, cancellationToken).ConfigureAwait(false);
        if (wrongKey.Outcome == CheckOutcome.Fail)
        {
            return wrongKey;
        }

        var problems = new List<string>();
        if (listed.Count == 0)
        {
            return CheckVerdict.Fail("The list of models is empty: Cursor has nothing to add. Under the AppHost, list Ollama:Models (with Ollama available) or configure a remote provider; on the proxy, Proxy:Models (and the key's Proxy:Keys:<name>:Models).");
        }

        var missing = context.Options.ExpectedModels.Except(listed, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            return CheckVerdict.Fail($"The list lacks {string.Join(", ", missing)}, which the AppHost serves (it lists {string.Join(", ", listed)}): this key may not be allowed them (Proxy:Keys:<name>:Models), or the proxy did not load them.");
        }

        foreach (var model in context.ModelsToCheck)
        {
            if (CursorModelNames.FindConflict(model) is { } conflict)
            {
                problems.Add($"'{model}' will not reach this server from Cursor ({conflict}); use another name");
            }
        }

        if (context.Options.Models.Count == 0 && listed.Count > context.Options.MaxModels)
        {
            problems.Add($"{listed.Count} models are listed; the check tries the first {context.Options.MaxModels} (choose others with --model)");
        }

        if (wrongKey.Outcome == CheckOutcome.Warn)
        {
            problems.Insert(0, wrongKey.Message);
        }

        var found = $"Lists {string.Join(", ", listed.Take(10))}{(listed.Count > 10 ? ", …" : string.Empty)} (add them in Cursor with \"+ Add Custom Model\")";
        return problems.Count == 0
            ? CheckVerdict.Pass($"{found}; {wrongKey.Message}.")
            : CheckVerdict.Warn($"{found}. But {string.Join("; ", problems)}.");
    }

    /// <summary>The same request with a key no one has: must be refused (401, or 403/429 from a guard in front).</summary>
    private static async Task<CheckVerdict> WrongKeyAsync(CheckContext context, Uri url, CancellationToken cancellationToken)
    {
        var wrong = "cursoraspire-check-wrong-key-" + Guid.NewGuid().ToString("N");
        using var exchange = await context.SendAsync(context.Request(HttpMethod.Get, url, key: wrong), cancellationToken).ConfigureAwait(false);
        return exchange.Status switch
        {
            401 => CheckVerdict.Pass("a wrong key is refused (401)"),
            403 or 429 => CheckVerdict.Pass($"a wrong key is refused ({exchange.Status})"),
            >= 200 and < 300 => CheckVerdict.Fail(
                "The URL accepts a wrong key: anyone who finds it can use your models, and any paid accounts behind them. " +
                "Put the proxy's key check in front (CursorAspire.Proxy always asks for one of Proxy:ApiKeys / Proxy:Keys)."),
            _ => CheckVerdict.Warn($"a wrong key got HTTP {exchange.Status} rather than 401"),
        };
    }

    private static List<string>? ReadModelIds(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            return [.. data.EnumerateArray()
                .Select(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null)
                .OfType<string>()];
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
