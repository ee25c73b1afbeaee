using System.Runtime.CompilerServices;
using Anthropic.Models.Messages;
using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Providers.Anthropic;

/// <summary>
/// Papers over what the Anthropic M.E.AI adapter does differently from what Cursor expects, and keeps a request within
/// what the Messages API takes.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Sends tool results as the plain text Cursor gave (the adapter passes a <see cref="string"/> result as is but
/// JSON-encodes anything else, such as the <see cref="JsonElement"/> string of a stored conversation), or, for an
/// Anthropic-shaped <c>tool_result</c> with images, as its text and image blocks.</item>
/// <item>Puts the results of one assistant turn's tool calls, and what the user said after them, into one user message,
/// as the Messages API expects them right after the <c>tool_use</c> blocks (the adapter sends one user message per
/// tool message).</item>
/// <item>Drops the tools when the client said <c>tool_choice:"none"</c> (the adapter would send them with
/// <c>tool_choice:{"type":"none"}</c>).</item>
/// <item>Thinking, when routing left an effort (<see cref="ModelRoute.ApplyTo"/>): adaptive thinking with
/// <c>output_config.effort</c> for the models that take it, its text shown (summarized); else an extended-thinking budget
/// (low 1,024, medium 8,192, high 16,384, xhigh 32,768 tokens) with <c>max_tokens</c> raised by that budget, so the answer
/// keeps its room. With thinking on, <c>temperature</c>, <c>top_p</c> and <c>top_k</c> are left out (Cursor sends
/// <c>temperature: 0</c>; the API takes only 1), and a forced <c>tool_choice</c> goes without extended thinking, which
/// refuses it.</item>
/// <item><c>max_tokens</c> never above the model's own ceiling (<see cref="AnthropicModels"/>) or the alias's
/// <c>MaxOutputTokens</c>.</item>
/// <item>Sends reasoning with opaque data and no text as the <c>redacted_thinking</c> block it was: the adapter decides by
/// the content's raw representation, which stored reasoning and stored conversations do not keep (a thinking block
/// always has text, so no text means redacted).</item>
/// <item>Marks prompt cache breakpoints, ours and the client's (<see cref="AnthropicCacheBreakpoints"/>), unless the alias
/// turned <c>PromptCaching</c> off.</item>
/// </list>
/// System messages need nothing: the adapter sends each of their texts as a block of the <c>system</c> parameter.
/// </remarks>
public sealed class AnthropicCompatibilityChatClient(IChatClient inner, ModelRoute route) : DelegatingChatClient(inner)
{
    private readonly bool _adaptive = AnthropicModels.ThinksAdaptively(route.UpstreamModel);
    private readonly int? _ceiling = AnthropicModels.Find(route.UpstreamModel)?.MaxOutputTokens;

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (adapted, adaptedOptions) = Prepare(messages, options);
        return base.GetResponseAsync(adapted, adaptedOptions, cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (adapted, adaptedOptions) = Prepare(messages, options);
        await foreach (var update in base.GetStreamingResponseAsync(adapted, adaptedOptions, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private (List<ChatMessage>, ChatOptions?) Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var adapted = Adapt(messages);
        var adaptedOptions = Adapt(options);
        return route.Model?.PromptCaching ?? true
            ? AnthropicCacheBreakpoints.Apply(adapted, adaptedOptions, route.Model?.PromptCacheTtl == "1h" ? Ttl.Ttl1h : Ttl.Ttl5m)
            : (adapted, adaptedOptions);
    }

    private ChatOptions Adapt(ChatOptions? options)
    {
        var adapted = options?.Clone() ?? new ChatOptions();
        if (adapted.ToolMode is NoneChatToolMode)
        {
            adapted.Tools = null;
            adapted.ToolMode = null;
        }
        var maxTokens = adapted.MaxOutputTokens ?? AnthropicProvider.DefaultMaxTokens(route);
        if (adapted.Reasoning?.Effort is { } effort and not ReasoningEffort.None)
        {
            if (!_adaptive && adapted.ToolMode is RequiredChatToolMode)
            {
                // "Thinking may not be enabled when tool_choice forces tool use": the forced call is what the client needs.
                adapted.Reasoning = null;
            }
            else
            {
                adapted.Temperature = null;
                adapted.TopP = null;
                adapted.TopK = null;
                if (_adaptive)
                {
                    // Adaptive models omit the thinking text unless asked; Cursor shows it while the model thinks.
                    adapted.Reasoning = new ReasoningOptions { Effort = effort, Output = adapted.Reasoning.Output ?? ReasoningOutput.Full };
                }
                else
                {
                    // max_tokens holds the thinking too: the answer keeps the room it had beside the budget.
                    maxTokens += ExtendedThinkingBudget(effort);
                }
            }
        }
        if (route.Model?.MaxOutputTokens is { } aliasCeiling)
        {
            maxTokens = Math.Min(maxTokens, aliasCeiling);
        }
        adapted.MaxOutputTokens = _ceiling is { } modelCeiling ? Math.Min(maxTokens, modelCeiling) : maxTokens;
        return adapted;
    }

    /// <summary>The thinking budget the adapter sends for an effort (its own table, which the proxy documents).</summary>
    internal static int ExtendedThinkingBudget(ReasoningEffort effort) => effort switch
    {
        ReasoningEffort.Low => 1_024,
        ReasoningEffort.Medium => 8_192,
        ReasoningEffort.High => 16_384,
        _ => 32_768,
    };

    private static List<ChatMessage> Adapt(IEnumerable<ChatMessage> messages)
    {
        var adapted = new List<ChatMessage>();
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.Assistant && message.Contents.Any(IsRedactedWithoutBlock))
            {
                adapted.Add(new ChatMessage(message.Role, [.. message.Contents.Select(AsRedactedBlock)]) { AuthorName = message.AuthorName });
                continue;
            }
            var afterResults = adapted.Count > 0 && adapted[^1].Role == ChatRole.Tool;
            if (message.Role == ChatRole.User && afterResults)
            {
                // What the user said after the results: the same user turn, after them (as an Anthropic-shaped body had it).
                adapted[^1] = new ChatMessage(ChatRole.Tool, [.. adapted[^1].Contents, .. message.Contents]);
                continue;
            }
            if (message.Role != ChatRole.Tool)
            {
                adapted.Add(message);
                continue;
            }
            var contents = message.Contents.Select(c => c is FunctionResultContent result ? AsResult(result) : c);
            if (afterResults)
            {
                // Consecutive tool messages answer the same assistant turn: one user message with all the results.
                adapted[^1] = new ChatMessage(ChatRole.Tool, [.. adapted[^1].Contents, .. contents]);
            }
            else
            {
                adapted.Add(new ChatMessage(ChatRole.Tool, [.. contents]) { AuthorName = message.AuthorName });
            }
        }
        return adapted;
    }

    private static bool IsRedactedWithoutBlock(AIContent content) =>
        content is TextReasoningContent { Text.Length: 0, ProtectedData: not null, RawRepresentation: not RedactedThinkingBlock };

    private static AIContent AsRedactedBlock(AIContent content) =>
        IsRedactedWithoutBlock(content) && content is TextReasoningContent { ProtectedData: { } data }
            ? new TextReasoningContent(string.Empty) { ProtectedData = data, RawRepresentation = new RedactedThinkingBlock(data) }
            : content;

    /// <summary>The result as Anthropic takes it: its text, or its text and image blocks; the client's marks kept.</summary>
    private static FunctionResultContent AsResult(FunctionResultContent result) =>
        new(result.CallId, result.Result is IList<AIContent> blocks ? blocks : new ToolResultBlockParamContent(ToolResultContents.Text(result)))
        {
            Exception = result.Exception,
            AdditionalProperties = result.AdditionalProperties,
        };
}
