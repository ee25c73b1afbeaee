using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Wire;
using CursorAspire.Proxy.Wire.ChatCompletions;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>
/// <c>POST …/chat/completions</c>: intake ► the turn's pipeline ► chunks or one completion. Chat Completions and
/// Responses-shaped bodies are both answered in the Chat Completions contract.
/// </summary>
public sealed class ChatCompletionsEndpoint(ChatIntake intake, ChatResponder responder, IOptions<ProxyOptions> options, TimeProvider time)
{
    private static readonly RequestDialect Dialect = new(ChatRequestReader.Read, "messages");

    private readonly ReasoningOutputMode _reasoningOutput = options.Value.ReasoningOutput;

    public async Task HandleAsync(HttpContext context)
    {
        using var taken = await intake.ReadAsync(context, Dialect).ConfigureAwait(false);
        var turn = taken.Turn;
        var request = turn.Request;
        var id = $"chatcmpl-{Guid.NewGuid():N}";
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        if (request.Stream)
        {
            await responder.StreamAsync(context, turn, replayed => new ChatCompletionChunkWriter(id, request.Model, created, _reasoningOutput, request.CustomToolNames)
            {
                EstimatedPromptTokens = turn.EstimatedPromptTokens,
                // A replayed answer cost no prompt processing: say so the way OpenAI does, as cached prompt tokens.
                ReportPromptAsCached = replayed,
            }).ConfigureAwait(false);
            return;
        }
        await responder.CompleteAsync(context, turn, async (answer, replayedUsage, aborted) =>
        {
            var written = ChatCompletionResponseWriter.Write(context.Response.BodyWriter, answer, id, request.Model, created, turn.EstimatedPromptTokens, _reasoningOutput, replayedUsage, request.CustomToolNames);
            await context.Response.BodyWriter.FlushAsync(aborted).ConfigureAwait(false);
            return written;
        }).ConfigureAwait(false);
    }
}
