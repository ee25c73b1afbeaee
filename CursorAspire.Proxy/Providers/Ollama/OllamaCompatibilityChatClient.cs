using System.Runtime.CompilerServices;
using CursorAspire.Proxy.Context;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Tools;
using OllamaSharp;
using CursorAspire.Proxy.Tokens;

namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// Papers over what Ollama and OllamaSharp do differently from an OpenAI upstream.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Sets <c>num_ctx</c> per request (<see cref="ContextWindowPlanner"/>) and <c>keep_alive</c>, so Cursor's
/// large prompts are not silently truncated and the repeated prefix stays loaded, and <c>num_predict</c> (the request's
/// <c>max_tokens</c>, else the planned answer room), so a looping local model stops.</item>
/// <item>Sends tool results as the plain text Cursor gave: OllamaSharp (and so <see cref="OllamaChatRequestWriter"/>) would wrap them as <c>{"CallId":…,"Result":…}</c>.
/// The images of an Anthropic-shaped <c>tool_result</c> follow the results in a user message (<see cref="ToolResultContents"/>).</item>
/// <item>Drops the tools when the client said <c>tool_choice:"none"</c> (Ollama has no tool_choice), else sends them in
/// one order (<see cref="ToolOrder"/>), which with the writer's fixed serialization keeps a conversation's prefix the same bytes.</item>
/// <item>Passes reasoning effort, when routing left one (<see cref="ModelRoute.ApplyTo"/>), as Ollama's <c>think</c>: a level
/// for gpt-oss, on or off for the other thinking models.</item>
/// </list>
/// The model's context length comes from configuration, else from Ollama's <c>/api/show</c> (<see cref="OllamaContextLengths"/>).
/// </remarks>
public sealed class OllamaCompatibilityChatClient(
    IChatClient inner,
    IOllamaApiClient ollama,
    ModelRoute route,
    ContextWindowPlanner planner,
    OllamaContextLengths contextLengths) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (adapted, adaptedOptions) = await AdaptAsync(messages, options, cancellationToken).ConfigureAwait(false);
        return await base.GetResponseAsync(adapted, adaptedOptions, cancellationToken).ConfigureAwait(false);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (adapted, adaptedOptions) = await AdaptAsync(messages, options, cancellationToken).ConfigureAwait(false);
        await foreach (var update in base.GetStreamingResponseAsync(adapted, adaptedOptions, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private async Task<(List<ChatMessage>, ChatOptions)> AdaptAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var adaptedOptions = options?.Clone() ?? new ChatOptions();
        var model = adaptedOptions.ModelId ?? route.UpstreamModel;

        var contextLength = route.ContextLength ?? await contextLengths.GetAsync(ollama, model, cancellationToken).ConfigureAwait(false);
        var estimate = TokenEstimator.EstimatePrompt(list, adaptedOptions);
        // A compacted prompt was fitted to the whole window: asking for all of it keeps num_ctx, and so the loaded model
        // and its cached prefix, the same from one compacted turn to the next.
        var numCtx = ChatCallContext.Of(options)?.Compaction is not null
            ? contextLength
            : planner.Plan(estimate, adaptedOptions.MaxOutputTokens, contextLength, route.Alias ?? model);
        adaptedOptions.MaxOutputTokens = planner.AnswerRoom(estimate, adaptedOptions.MaxOutputTokens, numCtx);

        // What OllamaChatClient writes besides the options it reads itself (OllamaChatRequestWriter's keys).
        var properties = adaptedOptions.AdditionalProperties ??= [];
        properties[OllamaChatRequestWriter.NumCtx] = numCtx;
        if (route.Provider.KeepAlive is { } keepAlive)
        {
            properties[OllamaChatRequestWriter.KeepAlive] = keepAlive;
        }
        if (adaptedOptions.Reasoning?.Effort is { } effort)
        {
            properties[OllamaChatRequestWriter.Think] = ToThink(effort, model);
        }
        adaptedOptions.Reasoning = null;
        // In one order; written as OllamaTools wrote each declaration once.
        adaptedOptions.Tools = adaptedOptions.ToolMode is NoneChatToolMode ? null : ToolOrder.ByName(adaptedOptions.Tools);

        // Tool results as the plain text Cursor gave (OllamaSharp would wrap them), images after them.
        // Flatten gives back the copy itself or a new list: either way a list of its own, not copied again.
        var adapted = ToolResultContents.Flatten(new List<ChatMessage>(list), result => new TextContent(ToolResultContents.Text(result)));
        return (adapted as List<ChatMessage> ?? [.. adapted], adaptedOptions);
    }

    /// <summary>
    /// Ollama's <c>think</c>: levels (<c>low</c>, <c>medium</c>, <c>high</c>) only for the models that take them (gpt-oss),
    /// <c>true</c> for every other thinking model (Qwen3, DeepSeek-R1), <c>false</c> for no thinking.
    /// </summary>
    private static object ToThink(ReasoningEffort effort, string model) => effort switch
    {
        ReasoningEffort.None => false,
        _ when !model.StartsWith("gpt-oss", StringComparison.OrdinalIgnoreCase) => true,
        ReasoningEffort.Low => "low",
        ReasoningEffort.Medium => "medium",
        _ => "high",
    };
}
