namespace CursorAspire.TestUpstreams;

/// <summary>
/// The Messages API's 400s for what a translating proxy can get wrong, each in the API's own words (where a source for
/// the wording is given; see the remarks of each check). All are <c>invalid_request_error</c>s.
/// </summary>
internal static class AnthropicRequestRules
{
    private const string ExtendedThinkingDocs = "https://docs.claude.com/en/docs/build-with-claude/extended-thinking";

    /// <summary>The first rule <paramref name="body"/> breaks, or <see langword="null"/>.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="model">The requested model.</param>
    /// <param name="maxTokens">The request's <c>max_tokens</c>.</param>
    /// <param name="models">The models the stand-in serves, with their limits.</param>
    /// <param name="interleavedThinking">The <c>interleaved-thinking-2025-05-14</c> beta is on: the budget may exceed <c>max_tokens</c>.</param>
    public static string? Violation(JsonObject body, string model, int maxTokens, IEnumerable<AnthropicModelLimits> models, bool interleavedThinking)
    {
        var limits = AnthropicModelLimits.Find(models, model);
        if (limits is not null && maxTokens > limits.MaxOutputTokens)
        {
            // Verbatim in many public reports, e.g. "max_tokens: 999999 > 64000, which is the maximum allowed number of
            // output tokens for claude-haiku-4-5-20251001"; the model is named as the request named it.
            return string.Create(CultureInfo.InvariantCulture,
                $"max_tokens: {maxTokens} > {limits.MaxOutputTokens}, which is the maximum allowed number of output tokens for {model}");
        }

        var thinking = body["thinking"] as JsonObject;
        var type = JsonFields.String(thinking?["type"]);
        if (ThinkingConfigViolation(thinking, type, maxTokens, limits, interleavedThinking) is { } config)
        {
            return config;
        }

        var thinks = type is "enabled" or "adaptive";
        if (thinks && JsonFields.Number(body["temperature"]) is { } temperature && temperature != 1)
        {
            // "`temperature` may only be set to 1 when thinking is enabled or in adaptive mode" (reported 2026 by
            // agent-native and pi-ai users; older models answered "... when thinking is enabled. Please consult ...").
            return "`temperature` may only be set to 1 when thinking is enabled or in adaptive mode.";
        }

        if (type == "enabled" && JsonFields.String(body["tool_choice"]?["type"]) is "any" or "tool")
        {
            // Manual extended thinking only takes auto/none; adaptive thinking takes forced tool use (Anthropic's
            // "Thinking in tool and multi-turn workflows"). Wording verbatim from many public reports.
            return "Thinking may not be enabled when tool_choice forces tool use.";
        }

        return HistoryViolation(body["messages"]!.AsArray(), type);
    }

    private static string? ThinkingConfigViolation(JsonObject? thinking, string? type, int maxTokens, AnthropicModelLimits? limits, bool interleavedThinking)
    {
        switch (type)
        {
            case "enabled" when limits is { ExtendedThinking: false }:
                // Verbatim from api.anthropic.com for Opus 4.7 and later (handochan/aelix-ai#258, lidge-jun/opencodex#65).
                return "\"thinking.type.enabled\" is not supported for this model. Use \"thinking.type.adaptive\" and \"output_config.effort\" to control thinking behavior.";
            case "enabled" when JsonFields.Integer(thinking!["budget_tokens"]) is null:
                return "thinking.enabled.budget_tokens: Field required";
            case "enabled" when JsonFields.Integer(thinking!["budget_tokens"]) < 1024:
                return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
            case "enabled" when !interleavedThinking && JsonFields.Integer(thinking!["budget_tokens"]) >= maxTokens:
                // Verbatim in many public reports (Anthropic API and Bedrock alike).
                return "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at " +
                    ExtendedThinkingDocs + "#max-tokens-and-context-window-size";
            case "adaptive" when limits is { AdaptiveThinking: false }:
                // The wording is as lidge-jun/opencodex#65 quotes it from api.anthropic.com (Sonnet 4.5, Haiku 4.5); not
                // seen verbatim in a full error body.
                return "adaptive thinking is not supported on this model";
            default:
                return null;
        }
    }

    /// <summary>
    /// The rules for thinking blocks in the history: every thinking block comes back exactly as it was sent (its
    /// <c>signature</c> checks: a block this stand-in did not issue, or altered, is refused, whatever the thinking mode),
    /// and with manual extended thinking (<c>enabled</c>) the final assistant message, when it holds <c>tool_use</c>,
    /// starts with a thinking or redacted thinking block. Adaptive thinking has no such rule: the model may not have
    /// thought on that turn, and its tool turn without a thinking block is accepted.
    /// </summary>
    private static string? HistoryViolation(JsonArray messages, string? thinkingType)
    {
        var lastAssistant = -1;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message || JsonFields.String(message["role"]) != "assistant")
            {
                continue;
            }
            lastAssistant = i;
            if (message["content"] is not JsonArray blocks)
            {
                continue;
            }
            for (var j = 0; j < blocks.Count; j++)
            {
                var block = blocks[j] as JsonObject;
                switch (JsonFields.String(block?["type"]))
                {
                    case "thinking" when block!["signature"] is null:
                        return $"messages.{i}.content.{j}.thinking.signature: Field required";
                    case "thinking" when JsonFields.String(block!["signature"]) != AnthropicSignatures.Sign(JsonFields.String(block["thinking"]) ?? string.Empty):
                        // Verbatim, e.g. anthropics/claude-code#10627: "messages.1.content.0: Invalid `signature` in `thinking` block".
                        return $"messages.{i}.content.{j}: Invalid `signature` in `thinking` block";
                    case "redacted_thinking" when !AnthropicSignatures.IsRedactedData(JsonFields.String(block!["data"]) ?? string.Empty):
                        return $"messages.{i}.content.{j}: Invalid `data` in `redacted_thinking` block";
                }
            }
        }

        if (thinkingType != "enabled" || lastAssistant < 0 || messages[lastAssistant]!["content"] is not JsonArray final
            || !final.Any(b => JsonFields.String(b?["type"]) == "tool_use"))
        {
            return null;
        }
        var first = JsonFields.String(final[0]?["type"]);
        // Verbatim, e.g. lbjlaq/Antigravity-Manager#62 and #139 (the API's own spelling of "preceeding").
        return first is "thinking" or "redacted_thinking"
            ? null
            : $"messages.{lastAssistant}.content.0.type: Expected `thinking` or `redacted_thinking`, but found `{first}`. " +
              "When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). " +
              "We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. " +
              "Please consult our documentation at " + ExtendedThinkingDocs;
    }
}
