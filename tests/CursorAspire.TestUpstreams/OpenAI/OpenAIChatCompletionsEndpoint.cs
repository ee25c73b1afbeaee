namespace CursorAspire.TestUpstreams;

// Over 300 lines because the stand-in speaks Chat Completions in one place: the request rules the real API enforces
// (with its own error messages), the completion object, and its chunks.

/// <summary>
/// <c>POST /v1/chat/completions</c> with OpenAI's exact shapes: a <c>chat.completion</c> object, or SSE
/// <c>chat.completion.chunk</c> events ending in <c>data: [DONE]</c>.
/// </summary>
internal static class OpenAIChatCompletionsEndpoint
{
    private const string Fingerprint = "fp_standin01";

    public static async Task HandleAsync(HttpContext context, string? requiredApiKey, ThinkingVendors thinkingVendors, bool simulatePromptCache)
    {
        var exchange = Exchange.Of(context);
        var request = exchange.Request;

        if (requiredApiKey is not null
            && (!request.Headers.TryGetValue("Authorization", out var auth) || auth != "Bearer " + requiredApiKey))
        {
            await WriteErrorAsync(exchange, new StandInErrorStatus(401, "Incorrect API key provided.")).ConfigureAwait(false);
            return;
        }

        if (request.Json is not JsonObject body)
        {
            await WriteErrorAsync(exchange, new StandInErrorStatus(400,
                "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)")).ConfigureAwait(false);
            return;
        }

        if (request.Model is not { Length: > 0 } model)
        {
            await WriteErrorAsync(exchange, new StandInErrorStatus(400, "you must provide a model parameter")).ConfigureAwait(false);
            return;
        }

        if (body["messages"] is not JsonArray messages)
        {
            await WriteErrorAsync(exchange, new StandInErrorStatus(400, "Missing required parameter: 'messages'.")
            { Param = "messages", Code = "missing_required_parameter" }).ConfigureAwait(false);
            return;
        }

        var vendor = thinkingVendors.Of(model);
        var thinks = Thinks(vendor, model, body);
        if (vendor != ThinkingVendor.None)
        {
            request.ReasoningReturns = ReasoningHistory.Returns(messages, vendor, exchange.State.SentReasoning);
        }

        if (HistoryRefusal(vendor, thinks, thinkingVendors.Strict, body, messages, request.ReasoningViolations) is { } refusal)
        {
            await refusal(exchange).ConfigureAwait(false);
            return;
        }

        var stream = body["stream"] is JsonValue s && s.TryGetValue<bool>(out var streamValue) && streamValue;
        var includeUsage = body["stream_options"] is JsonObject so && so["include_usage"] is JsonValue iu
            && iu.TryGetValue<bool>(out var includeUsageValue) && includeUsageValue;

        var reply = exchange.State.Script.Next(request);
        if (!thinks && vendor is ThinkingVendor.Kimi or ThinkingVendor.Glm)
        {
            reply = reply with { ReasoningChunks = [], ThinkingTime = TimeSpan.Zero }; // thinking turned off: no reasoning
        }
        // The automatic prompt cache: routed by prompt_cache_key, prefix of the tools and messages.
        // Without a key nothing is found: the prompt's text is only built when there is one (and the simulation is on).
        var cached = simulatePromptCache && body["prompt_cache_key"] is JsonValue key && key.TryGetValue<string>(out var cacheKey)
            ? exchange.State.PromptCache.ReadAutomatic(cacheKey, (body["tools"]?.ToJsonString() ?? string.Empty) + messages.ToJsonString())
            : 0;
        if (cached > 0 && reply.Usage is { } usage)
        {
            // Within the scripted prompt size: a script that says how big the prompt was is taken at its word.
            reply = reply with { Usage = usage with { CachedTokens = (int)Math.Min(cached, usage.PromptTokens) } };
        }
        if (await exchange.ErrsBeforeFirstByteAsync(reply, WriteErrorAsync).ConfigureAwait(false))
        {
            return;
        }

        var replyContext = new ReplyContext(
            "chatcmpl-" + WireText.RandomId(24), exchange.State.Time.GetUtcNow().ToUnixTimeSeconds(), model, reply,
            [.. reply.ToolCalls.Select(c => c with { Id = c.Id ?? "call_" + WireText.RandomId(24) })],
            InlineThinking: vendor == ThinkingVendor.MiniMax);
        if (vendor != ThinkingVendor.None && replyContext.ToolCalls.Count > 0 && replyContext.Reasoning.Length > 0)
        {
            // What this vendor expects back with the tool call in the next request's history.
            exchange.State.SentReasoning[replyContext.ToolCalls[0].Id!] = replyContext.InlineThinking ? replyContext.Content : replyContext.Reasoning;
        }

        if (stream)
        {
            await StreamAsync(exchange, replyContext, includeUsage).ConfigureAwait(false);
        }
        else
        {
            await CompleteAsync(exchange, replyContext).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether the model thinks on this request: Kimi's and GLM's <c>thinking: {"type":"disabled"}</c> turns it off (not on
    /// Kimi's <c>-thinking</c> models, which always think); DeepSeek's reasoner and MiniMax-M2 always think.
    /// </summary>
    private static bool Thinks(ThinkingVendor vendor, string model, JsonObject body) => vendor switch
    {
        ThinkingVendor.None => false,
        ThinkingVendor.Kimi when model.Contains("-thinking", StringComparison.Ordinal) => true,
        ThinkingVendor.Kimi or ThinkingVendor.Glm => JsonFields.String(body["thinking"]?["type"]) != "disabled",
        _ => true,
    };

    /// <summary>How the vendor's API refuses this request's history, if it does (as an error writer).</summary>
    private static Func<Exchange, Task>? HistoryRefusal(
        ThinkingVendor vendor, bool thinks, bool strict, JsonObject body, JsonArray messages, IReadOnlyList<ReasoningReturn> violations)
    {
        switch (vendor)
        {
            case ThinkingVendor.DeepSeek when ReasoningHistory.MissingReasoningContent(messages) is { } index:
                // DeepSeek's thinking mode: a tool-call turn must come back with the reasoning that produced it.
                return exchange => WriteErrorAsync(exchange, new StandInErrorStatus(400,
                    $"Missing `reasoning_content` field in the assistant message at message index {index}. For more information, please refer to https://api-docs.deepseek.com/guides/thinking_mode#tool-calls")
                { Code = "invalid_request_error" });

            // Moonshot's wording, as its API answers (reported verbatim from api.moonshot.ai/v1 and api.moonshot.cn/v1, e.g.
            // bytedance/deer-flow#3043, continuedev/continue#11600, HKUDS/nanobot#3939 era): the index counts every message,
            // from 0, system included. Its error object carries only message and type.
            case ThinkingVendor.Kimi when thinks && ReasoningHistory.MissingReasoningContent(messages) is { } index:
                return exchange => WriteMoonshotErrorAsync(exchange,
                    $"thinking is enabled but reasoning_content is missing in assistant tool call message at index {index}");
            case ThinkingVendor.Kimi when thinks && ForcesToolUse(body["tool_choice"]):
                // Reported for kimi-k2.6 (can1357/oh-my-pi#1077); Moonshot documents that thinking models only take auto/none.
                return exchange => WriteMoonshotErrorAsync(exchange, "tool_choice specified is incompatible with thinking enabled");

            case ThinkingVendor.Glm or ThinkingVendor.MiniMax when strict && violations.Count > 0:
                var first = violations[0];
                var what = vendor == ThinkingVendor.MiniMax
                    ? "content with the <think>…</think> block MiniMax-M2 wrote"
                    : "reasoning_content GLM wrote";
                return exchange => WriteErrorAsync(exchange, new StandInErrorStatus(400,
                    $"Stand-in (StrictReasoningReturn): the assistant message at index {first.MessageIndex} (tool call {first.ToolCallId}) " +
                    $"did not bring back the {what} ({first.Status.ToString().ToLowerInvariant()}). The real API accepts this and the model " +
                    "continues without its own earlier reasoning; send the assistant message back unchanged.")
                { Code = "reasoning_not_returned" });

            default:
                return null;
        }
    }

    /// <summary><c>required</c>, or an object naming a function: anything but <c>auto</c>/<c>none</c>.</summary>
    private static bool ForcesToolUse(JsonNode? toolChoice) =>
        toolChoice is JsonObject || JsonFields.String(toolChoice) is "required";

    private static Task WriteMoonshotErrorAsync(Exchange exchange, string message) =>
        exchange.WriteJsonAsync(400, new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error" },
        });

    public static Task WriteErrorAsync(Exchange exchange, StandInErrorStatus error)
    {
        exchange.SetRetryAfter(error.RetryAfter);
        return exchange.WriteJsonAsync(error.StatusCode, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = error.Message,
                ["type"] = error.EffectiveType,
                ["param"] = error.Param,
                ["code"] = error.EffectiveCode,
            },
        });
    }

    private static async Task CompleteAsync(Exchange exchange, ReplyContext r)
    {
        // Not streamed: no chunks to count, so a scripted failure or hang comes before the answer.
        if (await exchange.StopsAfterAsync(r.Reply, written: 0, total: 0).ConfigureAwait(false))
        {
            return;
        }

        await exchange.DelayUntilAsync(r.Reply.ThinkingTime).ConfigureAwait(false);
        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = r.Content.Length == 0 && r.ToolCalls.Count > 0 ? null : r.Content,
            ["refusal"] = null,
        };
        if (r.Reasoning.Length > 0 && !r.InlineThinking)
        {
            message["reasoning_content"] = r.Reasoning;
        }

        if (r.ToolCalls.Count > 0)
        {
            message["tool_calls"] = new JsonArray([.. r.ToolCalls.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.ArgumentsJson },
            })]);
        }

        message["annotations"] = new JsonArray();
        var completion = new JsonObject
        {
            ["id"] = r.Id,
            ["object"] = "chat.completion",
            ["created"] = r.Created,
            ["model"] = r.Model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = r.FinishReason,
            }),
            ["usage"] = UsageJson(r.Reply.Usage, r.Model),
            ["service_tier"] = "default",
            ["system_fingerprint"] = Fingerprint,
        };
        await exchange.WriteJsonAsync(200, completion).ConfigureAwait(false);
    }

    private static async Task StreamAsync(Exchange exchange, ReplyContext r, bool includeUsage)
    {
        var response = exchange.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(exchange.Token).ConfigureAwait(false);

        // Real OpenAI opens with the role and an empty content.
        await SendAsync(exchange, r, includeUsage, new JsonObject { ["role"] = "assistant", ["content"] = "", ["refusal"] = null }).ConfigureAwait(false);

        var chunks = TimedChunk.Of(r.Reply);
        var reasoningCount = chunks.Count(c => c.IsReasoning);
        for (var i = 0; i < chunks.Count; i++)
        {
            await exchange.PaceAsync(r.Reply, chunks[i], i).ConfigureAwait(false);
            await SendAsync(exchange, r, includeUsage, Delta(r, chunks[i], i, reasoningCount)).ConfigureAwait(false);
            if (await exchange.StopsAfterAsync(r.Reply, i + 1, chunks.Count).ConfigureAwait(false))
            {
                return;
            }
        }

        if (chunks.Count == 0 && await exchange.StopsAfterAsync(r.Reply, 0, 0).ConfigureAwait(false))
        {
            return;
        }

        for (var index = 0; index < r.ToolCalls.Count; index++)
        {
            var call = r.ToolCalls[index];
            await SendAsync(exchange, r, includeUsage, ToolCallDelta(new JsonObject
            {
                ["index"] = index,
                ["id"] = call.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = "" },
            })).ConfigureAwait(false);
            foreach (var fragment in WireText.Fragments(call.ArgumentsJson))
            {
                await SendAsync(exchange, r, includeUsage, ToolCallDelta(new JsonObject
                {
                    ["index"] = index,
                    ["function"] = new JsonObject { ["arguments"] = fragment },
                })).ConfigureAwait(false);
            }
        }

        await SendAsync(exchange, r, includeUsage, new JsonObject(), r.FinishReason).ConfigureAwait(false);
        if (includeUsage && r.Reply.Usage is not null)
        {
            var usageChunk = Chunk(r, []);
            usageChunk["usage"] = UsageJson(r.Reply.Usage, r.Model);
            await exchange.WriteAndFlushAsync(Event(usageChunk)).ConfigureAwait(false);
        }

        await exchange.WriteAndFlushAsync("data: [DONE]\n\n").ConfigureAwait(false);
    }

    /// <summary>
    /// A reasoning or text chunk's delta: reasoning as <c>reasoning_content</c>, or for MiniMax as <c>content</c>, the first
    /// reasoning chunk opening <c>&lt;think&gt;</c> and the last closing it (so the content joins to <see cref="ReplyContext.Content"/>).
    /// </summary>
    private static JsonObject Delta(ReplyContext r, TimedChunk chunk, int index, int reasoningCount)
    {
        if (!chunk.IsReasoning)
        {
            return new JsonObject { ["content"] = chunk.Text };
        }
        if (!r.InlineThinking)
        {
            return new JsonObject { ["reasoning_content"] = chunk.Text };
        }
        var text = (index == 0 ? ThinkOpen : string.Empty) + chunk.Text + (index == reasoningCount - 1 ? ThinkClose : string.Empty);
        return new JsonObject { ["content"] = text };
    }

    private const string ThinkOpen = "<think>\n";
    private const string ThinkClose = "\n</think>\n\n";

    /// <summary>A <c>chat.completion.chunk</c> of the answer with <paramref name="choices"/>.</summary>
    private static JsonObject Chunk(ReplyContext r, JsonArray choices) => new()
    {
        ["id"] = r.Id,
        ["object"] = "chat.completion.chunk",
        ["created"] = r.Created,
        ["model"] = r.Model,
        ["service_tier"] = "default",
        ["system_fingerprint"] = Fingerprint,
        ["choices"] = choices,
    };

    private static JsonObject ToolCallDelta(JsonObject call) => new() { ["tool_calls"] = new JsonArray(call) };

    private static Task SendAsync(Exchange exchange, ReplyContext r, bool includeUsage, JsonObject delta, string? finishReason = null)
    {
        var chunk = Chunk(r, [new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        }]);
        if (includeUsage)
        {
            chunk["usage"] = null; // OpenAI puts an explicit null usage on every chunk when include_usage is set
        }

        return exchange.WriteAndFlushAsync(Event(chunk));
    }

    private static string Event(JsonNode node) => "data: " + Exchange.Serialize(node) + "\n\n";

    /// <summary>
    /// OpenAI's usage object, with cache reads in <c>prompt_tokens_details.cached_tokens</c>; DeepSeek's
    /// (<c>deepseek-*</c> models) reports them as <c>prompt_cache_hit_tokens</c> and <c>prompt_cache_miss_tokens</c> instead.
    /// </summary>
    private static JsonNode? UsageJson(StandInUsage? usage, string model) => usage is null ? null
        : model.StartsWith("deepseek", StringComparison.Ordinal) ? new JsonObject
        {
            ["prompt_tokens"] = usage.PromptTokens,
            ["completion_tokens"] = usage.CompletionTokens,
            ["total_tokens"] = usage.TotalTokens,
            ["prompt_cache_hit_tokens"] = usage.CachedTokens,
            ["prompt_cache_miss_tokens"] = usage.PromptTokens - usage.CachedTokens,
        }
        : new JsonObject
        {
            ["prompt_tokens"] = usage.PromptTokens,
            ["completion_tokens"] = usage.CompletionTokens,
            ["total_tokens"] = usage.TotalTokens,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = usage.CachedTokens, ["audio_tokens"] = 0 },
            ["completion_tokens_details"] = new JsonObject
            {
                ["reasoning_tokens"] = 0,
                ["audio_tokens"] = 0,
                ["accepted_prediction_tokens"] = 0,
                ["rejected_prediction_tokens"] = 0,
            },
        };

    /// <summary>What one answer's chunks share.</summary>
    /// <param name="Id">The completion's id.</param>
    /// <param name="Created">Its creation time (Unix seconds).</param>
    /// <param name="Model">The model that answers.</param>
    /// <param name="Reply">The scripted reply.</param>
    /// <param name="ToolCalls">The reply's tool calls.</param>
    /// <param name="InlineThinking">MiniMax: the reasoning goes inside <c>&lt;think&gt;</c> at the start of <c>content</c>.</param>
    private sealed record ReplyContext(string Id, long Created, string Model, StandInReply Reply, IReadOnlyList<StandInToolCall> ToolCalls, bool InlineThinking)
    {
        public string FinishReason => Reply.FinishReason ?? (ToolCalls.Count > 0 ? "tool_calls" : "stop");

        /// <summary>All the reasoning the reply sends.</summary>
        public string Reasoning { get; } = Reply.Reasoning;

        /// <summary>The whole <c>content</c>: the text, after the <c>&lt;think&gt;</c> block when the thinking is inline.</summary>
        public string Content => InlineThinking && Reasoning.Length > 0 ? ThinkOpen + Reasoning + ThinkClose + Reply.Text : Reply.Text;
    }
}
