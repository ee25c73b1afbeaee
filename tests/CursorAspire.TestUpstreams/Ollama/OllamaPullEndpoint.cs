namespace CursorAspire.TestUpstreams;

/// <summary>
/// <c>POST /api/pull</c>: the NDJSON progress of a real pull (manifest, a layer's progress several times, small layers,
/// verification, manifest write, success), after which the model is present.
/// </summary>
internal static class OllamaPullEndpoint
{
    private const int ProgressSteps = 5;

    public static async Task HandleAsync(HttpContext context, OllamaModelStore models, TimeSpan stepDelay, IReadOnlyCollection<string>? pullable)
    {
        var exchange = Exchange.Of(context);
        if (OllamaEndpoints.ModelName(exchange) is not { } name)
        {
            await OllamaEndpoints.WriteErrorAsync(exchange, 400, "model is required").ConfigureAwait(false);
            return;
        }

        var known = pullable is null || pullable.Any(p => string.Equals(OllamaModel.Normalize(p), OllamaModel.Normalize(name), StringComparison.OrdinalIgnoreCase));
        var stream = exchange.Request.Json is not JsonObject body
            || body["stream"] is not JsonValue s || !s.TryGetValue<bool>(out var streamValue) || streamValue;

        if (!stream)
        {
            if (!known)
            {
                await OllamaEndpoints.WriteErrorAsync(exchange, 500, "pull model manifest: file does not exist").ConfigureAwait(false);
                return;
            }

            foreach (var _ in Progress(new OllamaModel(OllamaModel.Normalize(name), 0, default)))
            {
                await exchange.DelayAsync(stepDelay).ConfigureAwait(false);
            }

            models.Add(name);
            await exchange.WriteJsonAsync(200, new JsonObject { ["status"] = "success" }).ConfigureAwait(false);
            return;
        }

        exchange.Response.StatusCode = 200;
        exchange.Response.ContentType = "application/x-ndjson";
        await exchange.Response.StartAsync(exchange.Token).ConfigureAwait(false);
        await WriteLineAsync(exchange, new JsonObject { ["status"] = "pulling manifest" }).ConfigureAwait(false);
        if (!known)
        {
            // Real Ollama reports a missing manifest inside the 200 stream.
            await WriteLineAsync(exchange, new JsonObject { ["error"] = "pull model manifest: file does not exist" }).ConfigureAwait(false);
            return;
        }

        foreach (var line in Progress(new OllamaModel(OllamaModel.Normalize(name), 0, default)))
        {
            await exchange.DelayAsync(stepDelay).ConfigureAwait(false);
            await WriteLineAsync(exchange, line).ConfigureAwait(false);
        }

        models.Add(name);
        await WriteLineAsync(exchange, new JsonObject { ["status"] = "success" }).ConfigureAwait(false);
    }

    /// <summary>The lines between "pulling manifest" and "success".</summary>
    private static IEnumerable<JsonObject> Progress(OllamaModel model)
    {
        var layers = new (string Digest, long Size)[]
        {
            (model.BlobDigest, model.Size),
            (Digest(model, "template"), 1_429),
            (Digest(model, "license"), 7_712),
            (Digest(model, "params"), 96),
        };
        foreach (var (digest, size) in layers)
        {
            var steps = size == model.Size ? ProgressSteps : 1;
            for (var step = steps == 1 ? 1 : 0; step <= steps; step++)
            {
                yield return new JsonObject
                {
                    ["status"] = "pulling " + digest[..12],
                    ["digest"] = "sha256:" + digest,
                    ["total"] = size,
                    ["completed"] = size * step / steps,
                };
            }
        }

        yield return new JsonObject { ["status"] = "verifying sha256 digest" };
        yield return new JsonObject { ["status"] = "writing manifest" };
    }

    private static string Digest(OllamaModel model, string layer) =>
        new OllamaModel(model.Name + "#" + layer, 0, default).BlobDigest;

    private static Task WriteLineAsync(Exchange exchange, JsonObject line) =>
        exchange.WriteAndFlushAsync(Exchange.Serialize(line) + "\n");
}
