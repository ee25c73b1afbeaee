using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

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

    public static async Task HandleAsync(HttpContext context, string? requiredApiKey, IReadOnlySet<string> thinkingModels, bool simulatePromptCache)
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

        if (body["messages"] is not JsonArray)
        {
            await WriteErrorAsync(exchange, new StandInErrorStatus(400, "Missing required parameter: 'messages'.")
            { Param = "messages", Code = "missing_required_parameter" }).ConfigureAwait(false);
            return;
        }

        if (thinkingModels.Contains(model) && MissingReasoningContent(body["messages"]!.AsArray()) is { } index)
        {
            // DeepSeek's thinking mode (and Kimi's): a tool-call turn must come back with the reasoning that produced it.
            await WriteErrorAsync(exchange, new StandInErrorStatus(400,
                $"Missing `reasoning_content` field in the assistant message at message index {index}. For more information, please refer to https://api-docs.deepseek.com/guides/thinking_mode#tool-calls")
            { Code = "invalid_request_error" }).ConfigureAwait(false);
            return;
        }

        var stream = body["stream"] is JsonValue s && s.TryGetValue<bool>(out var streamValue) && streamValue;
        var includeUsage = body["stream_options"] is JsonObject so && so["include_usage"] is JsonValue iu
            && iu.TryGetValue<bool>(out var includeUsageValue) && includeUsageValue;

        var reply = exchange.State.Script.Next(request);
        // The automatic prompt cache: routed by prompt_cache_key, prefix of the tools and messages.
        // Without a key nothing is found: the prompt's text is only built when there is one (and the simulation is on).
        var cached = simulatePromptCache && body["prompt_cache_key"] is JsonValue key && key.TryGetValue<string>(out var cacheKey)
            ? exchange.State.PromptCache.ReadAutomatic(cacheKey, (body["tools"]?.ToJsonString() ?? string.Empty) + body["messages"]!.ToJsonString())
            : 0;
        if (cached > 0 && reply.Usage is { } usage)
        {
            // Within the scripted prompt size: a script that says how big the prompt was is taken at its word.
            reply = reply with { Usage = usage with { CachedTokens = (int)Math.Min(cached, usage.PromptTokens) } };
        }
        request.Reply = reply;

        await exchange.DelayAsync(reply.DelayBeforeFirstByte).ConfigureAwait(false);
        if (reply.StatusBeforeFirstByte is { } error)
        {
            await WriteErrorAsync(exchange, error).ConfigureAwait(false);
            return;
        }

        var replyContext = new ReplyContext(
            "chatcmpl-" + WireText.RandomId(24), exchange.State.Time.GetUtcNow().ToUnixTimeSeconds(), model, reply,
            [.. reply.ToolCalls.Select(c => c with { Id = c.Id ?? "call_" + WireText.RandomId(24) })]);

        if (stream)
        {
            await StreamAsync(exchange, replyContext, includeUsage).ConfigureAwait(false);
        }
        else
        {
            await CompleteAsync(exchange, replyContext).ConfigureAwait(false);
        }
    }

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
        if (r.Reply.FailAfterChunks is not null)
        {
            await exchange.AbortConnectionAsync().ConfigureAwait(false);
            return;
        }

        if (r.Reply.HangAfterChunks is not null)
        {
            await exchange.HangAsync().ConfigureAwait(false);
            return;
        }

        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = r.Reply.TextChunks.Count == 0 && r.ToolCalls.Count > 0 ? null : r.Reply.Text,
            ["refusal"] = null,
        };
        if (r.Reply.ReasoningChunks.Count > 0)
        {
            message["reasoning_content"] = r.Reply.Reasoning;
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

        var chunks = r.Reply.ReasoningChunks.Select(c => new JsonObject { ["reasoning_content"] = c })
            .Concat(r.Reply.TextChunks.Select(c => new JsonObject { ["content"] = c }))
            .ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            if (i > 0)
            {
                await exchange.DelayAsync(r.Reply.ChunkDelay).ConfigureAwait(false);
            }

            await SendAsync(exchange, r, includeUsage, chunks[i]).ConfigureAwait(false);
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
            await exchange.WriteAndFlushAsync(Event(new JsonObject
            {
                ["id"] = r.Id,
                ["object"] = "chat.completion.chunk",
                ["created"] = r.Created,
                ["model"] = r.Model,
                ["service_tier"] = "default",
                ["system_fingerprint"] = Fingerprint,
                ["choices"] = new JsonArray(),
                ["usage"] = UsageJson(r.Reply.Usage, r.Model),
            })).ConfigureAwait(false);
        }

        await exchange.WriteAndFlushAsync("data: [DONE]\n\n").ConfigureAwait(false);
    }

    /// <summary>The index of the first assistant message with tool calls and no <c>reasoning_content</c> string.</summary>
    private static int? MissingReasoningContent(JsonArray messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is JsonObject { } message
                && (string?)message["role"] == "assistant"
                && message["tool_calls"] is JsonArray { Count: > 0 }
                && !(message["reasoning_content"] is JsonValue reasoning && reasoning.TryGetValue<string>(out _)))
            {
                return i;
            }
        }
        return null;
    }

    private static JsonObject ToolCallDelta(JsonObject call) => new() { ["tool_calls"] = new JsonArray(call) };

    private static Task SendAsync(Exchange exchange, ReplyContext r, bool includeUsage, JsonObject delta, string? finishReason = null)
    {
        var chunk = new JsonObject
        {
            ["id"] = r.Id,
            ["object"] = "chat.completion.chunk",
            ["created"] = r.Created,
            ["model"] = r.Model,
            ["service_tier"] = "default",
            ["system_fingerprint"] = Fingerprint,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["delta"] = delta,
                ["logprobs"] = null,
                ["finish_reason"] = finishReason,
            }),
        };
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

    private sealed record ReplyContext(string Id, long Created, string Model, StandInReply Reply, IReadOnlyList<StandInToolCall> ToolCalls)
    {
        public string FinishReason => Reply.FinishReason ?? (ToolCalls.Count > 0 ? "tool_calls" : "stop");
    }
}
