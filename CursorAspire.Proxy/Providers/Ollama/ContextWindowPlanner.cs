using CursorAspire.Proxy.Errors;

namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// Chooses Ollama's <c>num_ctx</c> for a request. Ollama silently drops the start of a prompt that does not fit its
/// context window, and its default window is far smaller than Cursor's prompts, so the proxy always sets one:
/// large enough for the prompt plus room for the answer, never above the model's own context length. A prompt
/// that cannot fit is refused with a message Cursor shows, never truncated.
/// </summary>
/// <remarks>
/// The window grows in powers of two from 8K. Ollama reloads the model whenever <c>num_ctx</c> changes, so a
/// window that only changes when a conversation crosses a bucket keeps the model (and its cached prefix) warm.
/// </remarks>
public sealed class ContextWindowPlanner
{
    /// <summary>Smallest window the proxy asks for.</summary>
    public const int MinimumWindow = 8_192;

    /// <summary>Room for the answer when the request sets no <c>max_tokens</c>.</summary>
    public const int DefaultAnswerTokens = 4_096;

    /// <summary>The least answer room a request must leave to be worth sending.</summary>
    public const int MinimumAnswerTokens = 256;

    /// <summary>Returns the <c>num_ctx</c> to send, or throws a 400 the user can act on.</summary>
    /// <param name="estimatedPromptTokens">The request's estimated prompt size.</param>
    /// <param name="maxOutputTokens">The request's <c>max_tokens</c>, if any.</param>
    /// <param name="contextLength">The model's context length (configured, or read from Ollama).</param>
    /// <param name="modelName">For the error message.</param>
    public int Plan(long estimatedPromptTokens, int? maxOutputTokens, int contextLength, string modelName)
    {
        if (estimatedPromptTokens + MinimumAnswerTokens > contextLength)
        {
            throw new ProxyException(StatusCodes.Status400BadRequest,
                $"This conversation is about {estimatedPromptTokens:N0} tokens, but {modelName} has a context window of {contextLength:N0} tokens, " +
                "so the model would silently lose the start of it. Start a new chat (or summarize this one), use a model with a larger window, " +
                "or raise Proxy:Models:<alias>:ContextLength (Ollama:ContextLength under the AppHost) if the model really supports more.",
                OpenAIError.InvalidRequest, "context_length_exceeded", "messages");
        }
        var answerRoom = Math.Max(MinimumAnswerTokens, maxOutputTokens ?? DefaultAnswerTokens);
        var needed = estimatedPromptTokens + answerRoom;
        long window = MinimumWindow;
        while (window < needed)
        {
            window *= 2;
        }
        return (int)Math.Min(window, contextLength);
    }

    /// <summary>
    /// The most tokens the model may write (Ollama's <c>num_predict</c>): the request's <c>max_tokens</c>, else
    /// <see cref="DefaultAnswerTokens"/>, and never more than the window leaves after the prompt, so a model that
    /// loops stops instead of writing until the window is full.
    /// </summary>
    public int AnswerRoom(long estimatedPromptTokens, int? maxOutputTokens, int numCtx) =>
        (int)Math.Max(1, Math.Min(maxOutputTokens ?? DefaultAnswerTokens, numCtx - estimatedPromptTokens));
}
