namespace CursorAspire.TestUpstreams;

/// <summary>
/// <c>POST /api/chat</c> the Ollama way: NDJSON lines (streaming is the default) ending in a <c>done:true</c> line, or one
/// JSON object with <c>stream:false</c>. Tool calls all arrive in one line, without ids, and <c>done_reason</c> stays
/// <c>stop</c>.
/// </summary>
internal static class OllamaChatEndpoint
{
    public static async Task HandleAsync(HttpContext context, OllamaModelStore models, OllamaLoadedModels loaded, bool requireModel)
    {
        var exchange = Exchange.Of(context);
        var request = exchange.Request;
        if (request.Json is not JsonObject body)
        {
            await OllamaEndpoints.WriteErrorAsync(exchange, 400, request.JsonError ?? "unexpected EOF").ConfigureAwait(false);
            return;
        }

        if (request.Model is not { Length: > 0 } model)
        {
            await OllamaEndpoints.WriteErrorAsync(exchange, 400, "model is required").ConfigureAwait(false);
            return;
        }

        var present = models.Find(model);
        if (requireModel && present is null)
        {
            await OllamaEndpoints.WriteErrorAsync(exchange, 404, $"model \"{model}\" not found, try pulling it first").ConfigureAwait(false);
            return;
        }

        if (present is not null)
        {
            loaded.Load(present, body["options"]?["num_ctx"] is JsonValue numCtx && numCtx.TryGetValue<int>(out var window) ? window : null);
        }

        var stream = body["stream"] is not JsonValue s || !s.TryGetValue<bool>(out var streamValue) || streamValue;
        var reply = exchange.State.Script.Next(request);
        if (await exchange.ErrsBeforeFirstByteAsync(reply, (e, error) =>
            {
                e.SetRetryAfter(error.RetryAfter);
                return OllamaEndpoints.WriteErrorAsync(e, error.StatusCode, error.Message);
            }).ConfigureAwait(false))
        {
            return;
        }

        var started = exchange.State.Time.GetTimestamp();
        if (stream)
        {
            await StreamAsync(exchange, model, reply, started).ConfigureAwait(false);
        }
        else
        {
            await CompleteAsync(exchange, model, reply, started).ConfigureAwait(false);
        }
    }

    private static async Task StreamAsync(Exchange exchange, string model, StandInReply reply, long started)
    {
        exchange.Response.StatusCode = 200;
        exchange.Response.ContentType = "application/x-ndjson";
        await exchange.Response.StartAsync(exchange.Token).ConfigureAwait(false);

        var chunks = TimedChunk.Of(reply);
        for (var i = 0; i < chunks.Count; i++)
        {
            await exchange.PaceAsync(reply, chunks[i], i).ConfigureAwait(false);
            var message = chunks[i].IsReasoning ? Message(string.Empty, thinking: chunks[i].Text) : Message(chunks[i].Text);
            await exchange.WriteAndFlushAsync(Line(Chunk(exchange, model, message))).ConfigureAwait(false);
            if (await ErrsAfterAsync(exchange, reply, i + 1, chunks.Count).ConfigureAwait(false)
                || await exchange.StopsAfterAsync(reply, i + 1, chunks.Count).ConfigureAwait(false))
            {
                return;
            }
        }

        if (chunks.Count == 0 && (await ErrsAfterAsync(exchange, reply, 0, 0).ConfigureAwait(false)
            || await exchange.StopsAfterAsync(reply, 0, 0).ConfigureAwait(false)))
        {
            return;
        }

        if (reply.ToolCalls.Count > 0)
        {
            var calls = Message(string.Empty);
            calls["tool_calls"] = ToolCalls(reply.ToolCalls);
            await exchange.WriteAndFlushAsync(Line(Chunk(exchange, model, calls))).ConfigureAwait(false);
        }

        await exchange.WriteAndFlushAsync(Line(Done(exchange, model, Message(string.Empty), reply, started))).ConfigureAwait(false);
    }

    /// <summary>Ollama's error line once <paramref name="written"/> chunks are out (<see cref="StandInReply.ErrorLineAfterChunks"/>), ending the stream.</summary>
    private static async Task<bool> ErrsAfterAsync(Exchange exchange, StandInReply reply, int written, int total)
    {
        if (reply.ErrorLineAfterChunks is not { } after || (written != after && !(written == total && after >= total)))
        {
            return false;
        }
        await exchange.WriteAndFlushAsync(Line(new JsonObject { ["error"] = reply.ErrorLineMessage })).ConfigureAwait(false);
        return true;
    }

    private static async Task CompleteAsync(Exchange exchange, string model, StandInReply reply, long started)
    {
        // Not streamed: no chunks to count, so a scripted failure or hang comes before the answer.
        if (await exchange.StopsAfterAsync(reply, written: 0, total: 0).ConfigureAwait(false))
        {
            return;
        }

        if (reply.ErrorLineAfterChunks is not null)
        {
            await OllamaEndpoints.WriteErrorAsync(exchange, 500, reply.ErrorLineMessage).ConfigureAwait(false);
            return;
        }

        await exchange.DelayUntilAsync(reply.ThinkingTime).ConfigureAwait(false);
        var message = Message(reply.Text, reply.ThinkingChunks.Count > 0 ? reply.Reasoning : null);
        if (reply.ToolCalls.Count > 0)
        {
            message["tool_calls"] = ToolCalls(reply.ToolCalls);
        }

        await exchange.WriteJsonAsync(200, Done(exchange, model, message, reply, started)).ConfigureAwait(false);
    }

    private static JsonObject Message(string content, string? thinking = null)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = content };
        if (thinking is not null)
        {
            message["thinking"] = thinking;
        }

        return message;
    }

    private static JsonArray ToolCalls(IEnumerable<StandInToolCall> calls) =>
        new([.. calls.Select(c => (JsonNode)new JsonObject
        {
            ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = Arguments(c.ArgumentsJson) },
        })]);

    // Ollama sends arguments as an object; malformed scripted arguments go out as a string so they can still be tested.
    private static JsonNode? Arguments(string json)
    {
        try
        {
            return JsonNode.Parse(json) is JsonObject o ? o : JsonValue.Create(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }

    private static JsonObject Chunk(Exchange exchange, string model, JsonObject message) => new()
    {
        ["model"] = model,
        ["created_at"] = CreatedAt(exchange),
        ["message"] = message,
        ["done"] = false,
    };

    private static JsonObject Done(Exchange exchange, string model, JsonObject message, StandInReply reply, long started)
    {
        var total = exchange.State.Time.GetElapsedTime(started).Ticks * 100; // nanoseconds, as Ollama reports durations
        var done = new JsonObject
        {
            ["model"] = model,
            ["created_at"] = CreatedAt(exchange),
            ["message"] = message,
            ["done_reason"] = reply.FinishReason ?? "stop",
            ["done"] = true,
            ["total_duration"] = total,
            ["load_duration"] = total / 20,
        };
        if (reply.Usage is { } usage)
        {
            done["prompt_eval_count"] = usage.PromptTokens;
            done["prompt_eval_duration"] = total / 4;
            done["eval_count"] = usage.CompletionTokens;
            done["eval_duration"] = total / 2;
        }

        return done;
    }

    private static string CreatedAt(Exchange exchange) =>
        exchange.State.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string Line(JsonNode node) => Exchange.Serialize(node) + "\n";
}
