namespace CursorAspire.TestUpstreams;

// Over 300 lines because the stand-in speaks the Messages API in one place: the request rules the real API enforces
// (with its own error messages), the message object, and every event of its stream.

/// <summary>
/// <c>POST /v1/messages</c> with Anthropic's exact shapes: a <c>message</c> object, or SSE with named events
/// (<c>message_start</c>, <c>ping</c>, <c>content_block_start</c>/<c>_delta</c>/<c>_stop</c>, <c>message_delta</c>,
/// <c>message_stop</c>); errors as <c>{"type":"error","error":{"type","message"}}</c>.
/// </summary>
internal static class AnthropicMessagesEndpoint
{
    public static async Task HandleAsync(HttpContext context, string? requiredApiKey, IReadOnlyList<AnthropicModelLimits> models)
    {
        var exchange = Exchange.Of(context);
        var request = exchange.Request;

        // The API takes a key as x-api-key or, as the official SDK sends it since 13.x, as a bearer token.
        if (requiredApiKey is not null
            && !(request.Headers.TryGetValue("x-api-key", out var key) && key == requiredApiKey)
            && !(request.Headers.TryGetValue("Authorization", out var auth) && auth == "Bearer " + requiredApiKey))
        {
            await WriteErrorAsync(exchange, new StandInErrorStatus(401, "invalid x-api-key")).ConfigureAwait(false);
            return;
        }

        if (!request.Headers.TryGetValue("anthropic-version", out var version) || string.IsNullOrWhiteSpace(version))
        {
            await WriteErrorAsync(exchange, new StandInErrorStatus(400, "anthropic-version: header is required")).ConfigureAwait(false);
            return;
        }

        if (request.Json is not JsonObject body)
        {
            await WriteErrorAsync(exchange, new StandInErrorStatus(400, "There was an issue with your request body. Please ensure it is valid JSON.")).ConfigureAwait(false);
            return;
        }

        if (request.Model is not { Length: > 0 } model)
        {
            await WriteErrorAsync(exchange, new StandInErrorStatus(400, "model: Field required")).ConfigureAwait(false);
            return;
        }

        if (body["max_tokens"] is not JsonValue maxTokens || !maxTokens.TryGetValue<int>(out var max) || max < 1)
        {
            await WriteErrorAsync(exchange, new StandInErrorStatus(400, "max_tokens: Field required")).ConfigureAwait(false);
            return;
        }

        if (body["messages"] is not JsonArray)
        {
            await WriteErrorAsync(exchange, new StandInErrorStatus(400, "messages: Field required")).ConfigureAwait(false);
            return;
        }

        var interleavedThinking = request.Headers.TryGetValue("anthropic-beta", out var betas)
            && betas.Contains("interleaved-thinking-2025-05-14", StringComparison.Ordinal);
        if (AnthropicRequestRules.Violation(body, model, max, models, interleavedThinking) is { } violation)
        {
            await WriteErrorAsync(exchange, new StandInErrorStatus(400, violation)).ConfigureAwait(false);
            return;
        }

        var stream = body["stream"] is JsonValue s && s.TryGetValue<bool>(out var streamValue) && streamValue;

        if (PromptCachePrefixes(body, out var prefixes) is > 4 and var marked)
        {
            await WriteErrorAsync(exchange, new StandInErrorStatus(400, $"A maximum of 4 blocks with cache_control may be provided. Found {marked}.")).ConfigureAwait(false);
            return;
        }

        var reply = exchange.State.Script.Next(request);
        var (read, written) = exchange.State.PromptCache.ReadAtBreakpoints(prefixes);
        if ((read > 0 || written > 0) && reply.Usage is { } usage)
        {
            // Within the scripted prompt size: a script that says how big the prompt was is taken at its word.
            var cachedRead = (int)Math.Min(read, usage.PromptTokens);
            reply = reply with { Usage = usage with { CachedTokens = cachedRead, CacheWriteTokens = (int)Math.Min(written, usage.PromptTokens - cachedRead) } };
        }
        if (await exchange.ErrsBeforeFirstByteAsync(reply, WriteErrorAsync).ConfigureAwait(false))
        {
            return;
        }

        var replyContext = new ReplyContext(
            "msg_" + WireText.RandomId(24), model, reply,
            [.. reply.ToolCalls.Select(c => c with { Id = c.Id ?? "toolu_" + WireText.RandomId(24) })]);

        exchange.Response.Headers["request-id"] = "req_" + WireText.RandomId(24);
        if (stream)
        {
            await StreamAsync(exchange, replyContext).ConfigureAwait(false);
        }
        else
        {
            await CompleteAsync(exchange, replyContext).ConfigureAwait(false);
        }
    }

    public static Task WriteErrorAsync(Exchange exchange, StandInErrorStatus error)
    {
        exchange.SetRetryAfter(error.RetryAfter);
        exchange.Response.Headers["request-id"] = "req_" + WireText.RandomId(24);
        return exchange.WriteJsonAsync(error.StatusCode, ErrorJson(error));
    }

    private static JsonObject ErrorJson(StandInErrorStatus error) => new()
    {
        ["type"] = "error",
        ["error"] = new JsonObject
        {
            ["type"] = error.Type ?? ErrorType(error.StatusCode),
            ["message"] = error.Message,
        },
    };

    /// <summary>The <c>error.type</c> Anthropic sends for a status.</summary>
    private static string ErrorType(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        504 => "timeout_error",
        529 => "overloaded_error",
        _ => "api_error",
    };

    private static async Task CompleteAsync(Exchange exchange, ReplyContext r)
    {
        // Not streamed: no chunks to count, so a scripted failure or hang comes before the answer.
        if (await exchange.StopsAfterAsync(r.Reply, written: 0, total: 0).ConfigureAwait(false))
        {
            return;
        }

        await exchange.DelayUntilAsync(r.Reply.ThinkingTime).ConfigureAwait(false);
        var content = new JsonArray();
        if (r.Reply.RedactedThinking is { } redacted)
        {
            content.Add(new JsonObject { ["type"] = "redacted_thinking", ["data"] = AnthropicSignatures.Redact(redacted) });
        }

        if (r.Reply.ThinkingChunks.Count > 0)
        {
            content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = r.Reply.Reasoning, ["signature"] = AnthropicSignatures.Sign(r.Reply.Reasoning) });
        }

        if (r.Reply.TextChunks.Count > 0)
        {
            content.Add(new JsonObject { ["type"] = "text", ["text"] = r.Reply.Text });
        }

        foreach (var call in r.ToolCalls)
        {
            content.Add(new JsonObject { ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = Input(call.ArgumentsJson) });
        }

        await exchange.WriteJsonAsync(200, new JsonObject
        {
            ["id"] = r.Id,
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = r.Model,
            ["content"] = content,
            ["stop_reason"] = r.StopReason,
            ["stop_sequence"] = null,
            ["usage"] = UsageJson(r.Reply.Usage, r.Reply.Usage?.CompletionTokens ?? 0),
        }).ConfigureAwait(false);
    }

    private static async Task StreamAsync(Exchange exchange, ReplyContext r)
    {
        var response = exchange.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(exchange.Token).ConfigureAwait(false);

        // Real Anthropic opens with the message (no content yet, input tokens known) and a ping.
        await SendAsync(exchange, "message_start", new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["id"] = r.Id,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = r.Model,
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = UsageJson(r.Reply.Usage, 1),
            },
        }).ConfigureAwait(false);
        await SendAsync(exchange, "ping", []).ConfigureAwait(false);

        var timed = TimedChunk.Of(r.Reply);
        var total = timed.Count;
        var written = 0;
        var index = 0;
        if (r.Reply.RedactedThinking is { } redacted)
        {
            // A redacted block arrives whole in its start event, with no deltas.
            await SendAsync(exchange, "content_block_start", new JsonObject
            {
                ["index"] = index,
                ["content_block"] = new JsonObject { ["type"] = "redacted_thinking", ["data"] = AnthropicSignatures.Redact(redacted) },
            }).ConfigureAwait(false);
            await SendAsync(exchange, "content_block_stop", new JsonObject { ["index"] = index }).ConfigureAwait(false);
            index++;
        }
        if (total == 0 && await exchange.StopsAfterAsync(r.Reply, 0, 0).ConfigureAwait(false))
        {
            return;
        }

        foreach (var (blockType, deltaType, field, chunks) in new[]
        {
            ("thinking", "thinking_delta", "thinking", timed.Where(c => c.IsReasoning).ToList()),
            ("text", "text_delta", "text", timed.Where(c => !c.IsReasoning).ToList()),
        })
        {
            if (chunks.Count == 0)
            {
                continue;
            }

            var start = new JsonObject { ["type"] = blockType, [field] = "" };
            if (blockType == "thinking")
            {
                start["signature"] = "";
            }

            await SendAsync(exchange, "content_block_start", new JsonObject { ["index"] = index, ["content_block"] = start }).ConfigureAwait(false);
            foreach (var chunk in chunks)
            {
                await exchange.PaceAsync(r.Reply, chunk, written).ConfigureAwait(false);
                await SendAsync(exchange, "content_block_delta", new JsonObject
                {
                    ["index"] = index,
                    ["delta"] = new JsonObject { ["type"] = deltaType, [field] = chunk.Text },
                }).ConfigureAwait(false);
                written++;
                if (await exchange.StopsAfterAsync(r.Reply, written, total).ConfigureAwait(false))
                {
                    return;
                }
            }

            if (blockType == "thinking")
            {
                await SendAsync(exchange, "content_block_delta", new JsonObject
                {
                    ["index"] = index,
                    ["delta"] = new JsonObject { ["type"] = "signature_delta", ["signature"] = AnthropicSignatures.Sign(r.Reply.Reasoning) },
                }).ConfigureAwait(false);
            }

            await SendAsync(exchange, "content_block_stop", new JsonObject { ["index"] = index }).ConfigureAwait(false);
            index++;
        }

        foreach (var call in r.ToolCalls)
        {
            await SendAsync(exchange, "content_block_start", new JsonObject
            {
                ["index"] = index,
                ["content_block"] = new JsonObject { ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = new JsonObject() },
            }).ConfigureAwait(false);
            // Like the real API: an empty fragment first, then the arguments a few tokens at a time.
            foreach (var fragment in WireText.Fragments(call.ArgumentsJson).Prepend(string.Empty))
            {
                await SendAsync(exchange, "content_block_delta", new JsonObject
                {
                    ["index"] = index,
                    ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = fragment },
                }).ConfigureAwait(false);
            }

            await SendAsync(exchange, "content_block_stop", new JsonObject { ["index"] = index }).ConfigureAwait(false);
            index++;
        }

        await SendAsync(exchange, "message_delta", new JsonObject
        {
            ["delta"] = new JsonObject { ["stop_reason"] = r.StopReason, ["stop_sequence"] = null },
            ["usage"] = r.Reply.Usage is null ? new JsonObject { ["output_tokens"] = 0 } : UsageJson(r.Reply.Usage, r.Reply.Usage.CompletionTokens),
        }).ConfigureAwait(false);
        await SendAsync(exchange, "message_stop", []).ConfigureAwait(false);
    }

    /// <summary>One named SSE event; <c>type</c> repeats the event name in the data, as Anthropic sends it.</summary>
    private static Task SendAsync(Exchange exchange, string eventName, JsonObject data)
    {
        var payload = new JsonObject { ["type"] = eventName };
        foreach (var (name, value) in data.ToList())
        {
            data.Remove(name);
            payload[name] = value;
        }

        return exchange.WriteAndFlushAsync("event: " + eventName + "\ndata: " + Exchange.Serialize(payload) + "\n\n");
    }

    /// <summary>
    /// Anthropic's usage object. <c>output_tokens</c> is cumulative: 1 in <c>message_start</c>, the total in
    /// <c>message_delta</c>. No usage scripted reports zeros (the real API always reports usage).
    /// </summary>
    private static JsonObject UsageJson(StandInUsage? usage, int outputTokens) => new()
    {
        // input_tokens are those after the last cache breakpoint: neither read from the cache nor written to it.
        ["input_tokens"] = usage is null ? 0 : usage.PromptTokens - usage.CachedTokens - usage.CacheWriteTokens,
        ["cache_creation_input_tokens"] = usage?.CacheWriteTokens ?? 0,
        ["cache_read_input_tokens"] = usage?.CachedTokens ?? 0,
        ["output_tokens"] = usage is null ? 0 : outputTokens,
    };

    /// <summary>
    /// The prompt in the order the API caches it (tools, system, messages), one block at a time without its
    /// <c>cache_control</c>: the prefix ending at each marked block. Returns how many blocks are marked.
    /// </summary>
    private static int PromptCachePrefixes(JsonObject body, out List<string> prefixes)
    {
        var found = new List<string>();
        prefixes = found;
        var text = new System.Text.StringBuilder();
        var marked = 0;
        void Add(JsonNode? block)
        {
            if (block is not JsonObject obj)
            {
                text.Append(block?.ToJsonString());
                return;
            }
            var copy = (JsonObject)obj.DeepClone();
            var isMarked = copy.Remove("cache_control");
            text.Append(copy.ToJsonString());
            if (isMarked)
            {
                marked++;
                found.Add(text.ToString());
            }
        }
        foreach (var tool in body["tools"] as JsonArray ?? [])
        {
            Add(tool);
        }
        if (body["system"] is JsonArray system)
        {
            foreach (var block in system)
            {
                Add(block);
            }
        }
        else
        {
            text.Append(body["system"]?.ToJsonString());
        }
        foreach (var message in body["messages"]!.AsArray())
        {
            text.Append((string?)message?["role"]);
            if (message?["content"] is JsonArray blocks)
            {
                foreach (var block in blocks)
                {
                    Add(block);
                }
            }
            else
            {
                text.Append(message?["content"]?.ToJsonString());
            }
        }
        return marked;
    }

    /// <summary>A tool call's arguments as the <c>input</c> object (text that is not a JSON object is sent as <c>{}</c>).</summary>
    private static JsonNode Input(string argumentsJson)
    {
        try
        {
            return JsonNode.Parse(argumentsJson) as JsonObject ?? new JsonObject();
        }
        catch (JsonException)
        {
            return new JsonObject();
        }
    }

    private sealed record ReplyContext(string Id, string Model, StandInReply Reply, IReadOnlyList<StandInToolCall> ToolCalls)
    {
        public string StopReason => Reply.FinishReason ?? (ToolCalls.Count > 0 ? "tool_use" : "end_turn");
    }
}
