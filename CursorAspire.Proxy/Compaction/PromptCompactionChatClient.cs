using System.Diagnostics;
using System.Runtime.CompilerServices;
using CursorAspire.Proxy.Context;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Tokens;

namespace CursorAspire.Proxy.Compaction;

/// <summary>
/// The compaction stage of an alias that opted in (<c>Proxy:Models:&lt;alias&gt;:Compaction</c>): a conversation that
/// would not fit its model's context window goes up compacted (<see cref="PromptCompactor"/>) instead of being refused.
/// What was elided is told on the request's context (the response's <c>x-cursoraspire-compacted</c>), in a log line and
/// on the request's span; a conversation that does not fit even compacted is refused with <c>context_length_exceeded</c>.
/// </summary>
/// <param name="inner">The rest of the route's pipeline.</param>
/// <param name="route">The alias's route.</param>
/// <param name="window">The model's context window: configured, or what the provider reports; null when unknown (then nothing is compacted).</param>
/// <param name="logger">Where the compactions are told.</param>
public sealed partial class PromptCompactionChatClient(
    IChatClient inner,
    ModelRoute route,
    Func<IChatClient, CancellationToken, ValueTask<int?>> window,
    ILogger<PromptCompactionChatClient> logger) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var prompt = await CompactAsync(messages, options, cancellationToken).ConfigureAwait(false);
        return await base.GetResponseAsync(prompt, options, cancellationToken).ConfigureAwait(false);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var prompt = await CompactAsync(messages, options, cancellationToken).ConfigureAwait(false);
        await foreach (var update in base.GetStreamingResponseAsync(prompt, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private async ValueTask<IEnumerable<ChatMessage>> CompactAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var context = ChatCallContext.Of(options);
        context?.Compaction = null;
        if (await window(InnerClient, cancellationToken).ConfigureAwait(false) is not { } tokens)
        {
            return messages;
        }
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var prompt = PromptCompactor.Compact(list, options, tokens, options?.MaxOutputTokens) ?? throw TooLong(list, options, tokens);
        if (prompt.Compaction is { } compaction)
        {
            context?.Compaction = compaction;
            Report(compaction);
        }
        return prompt.Messages;
    }

    private void Report(PromptCompaction compaction)
    {
        if (Activity.Current is { } activity)
        {
            activity.SetTag("cursoraspire.compaction.tool_results", compaction.ToolResults);
            activity.SetTag("cursoraspire.compaction.tool_arguments", compaction.ToolArguments);
            activity.SetTag("cursoraspire.compaction.elided_tokens", compaction.ElidedTokens);
            activity.SetTag("cursoraspire.compaction.boundary", compaction.Boundary);
            activity.SetTag("cursoraspire.compaction.prompt_tokens", compaction.PromptTokens);
        }
        LogCompacted(logger, route.Alias ?? route.UpstreamModel, compaction.Window, compaction.ToolResults, compaction.ToolArguments,
            compaction.Tools, compaction.ElidedTokens, compaction.Boundary, compaction.PromptTokens);
    }

    [LoggerMessage(1, LogLevel.Information, "Compacted the prompt for {Model} to fit its {Window}-token window: elided {ToolResults} tool results and {ToolArguments} tool-call arguments ({Tools}; about {ElidedTokens} tokens) in the {Boundary} oldest messages; about {PromptTokens} tokens went up.")]
    private static partial void LogCompacted(ILogger logger, string model, int window, int toolResults, int toolArguments, string tools, long elidedTokens, int boundary, long promptTokens);

    private ProxyException TooLong(IReadOnlyList<ChatMessage> messages, ChatOptions? options, int tokens) => new(
        StatusCodes.Status400BadRequest,
        $"This conversation is about {TokenEstimator.EstimatePrompt(messages, options):N0} tokens, but {route.Alias ?? route.UpstreamModel} has a context window of {tokens:N0} tokens, " +
        $"and eliding its older tool results and tool-call arguments does not make it fit (the system prompt, the tools and the latest {PromptCompactor.ProtectedTurns} turns are kept whole). " +
        "Start a new chat (or summarize this one), use a model with a larger window, or raise Proxy:Models:<alias>:ContextLength (Ollama:ContextLength under the AppHost) if the model really supports more.",
        OpenAIError.InvalidRequest, "context_length_exceeded", "messages");
}
