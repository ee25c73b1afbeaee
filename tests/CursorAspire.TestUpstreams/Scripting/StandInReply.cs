namespace CursorAspire.TestUpstreams;

/// <summary>
/// What a stand-in answers to one chat call: the same script drives the Ollama (NDJSON) and OpenAI (SSE) wire formats.
/// </summary>
/// <remarks>
/// Streaming order on the wire: the slow thinker's reasoning (<see cref="ThinkingTime"/>), the reasoning chunks, then
/// text chunks, then the tool calls, then the finish (and usage).
/// <see cref="FailAfterChunks"/> and <see cref="HangAfterChunks"/> count reasoning and text chunks written; a value
/// at or above that count fails or hangs after the last of them, before the tool calls and the finish.
/// 0 fails or hangs before the first scripted chunk (after OpenAI's opening role chunk, which is always sent).
/// For a non-streaming call either one applies before anything is written. A hang ends when the client disconnects
/// (<see cref="RecordedRequest.Aborted"/>) or the stand-in is disposed (the connection is then broken).
/// </remarks>
public sealed record StandInReply
{
    /// <summary>Text (content) chunks, one wire chunk each.</summary>
    public IReadOnlyList<string> TextChunks { get; init; } = [];

    /// <summary>
    /// Reasoning chunks: Ollama's <c>message.thinking</c>, OpenAI-compatible <c>delta.reasoning_content</c> (MiniMax:
    /// inside <c>&lt;think&gt;</c> in <c>content</c>), Anthropic's <c>thinking</c> block.
    /// </summary>
    public IReadOnlyList<string> ReasoningChunks { get; init; } = [];

    /// <summary>
    /// A slow thinker: reasoning streams for this long, one chunk every <see cref="ThinkingInterval"/> from the moment the
    /// request arrived (on the stand-in's <see cref="TimeProvider"/>), before <see cref="ReasoningChunks"/> and the
    /// first text. The response headers (and OpenAI's role chunk, Anthropic's <c>message_start</c>) go out at once, as
    /// the real APIs send them; a non-streamed reply is sent whole once the time is up.
    /// </summary>
    public TimeSpan ThinkingTime { get; init; }

    /// <summary>How often the slow thinker sends a reasoning chunk (default one second).</summary>
    public TimeSpan ThinkingInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Anthropic: a <c>redacted_thinking</c> block (before any thinking) carrying this payload, encrypted as the API would
    /// send it; the same block must come back unmodified.
    /// </summary>
    public string? RedactedThinking { get; init; }

    /// <summary>Tool calls, in order.</summary>
    public IReadOnlyList<StandInToolCall> ToolCalls { get; init; } = [];

    /// <summary>
    /// The finish reason sent. <see langword="null"/>: OpenAI sends <c>tool_calls</c> when there are tool calls, else
    /// <c>stop</c>; Ollama always sends <c>stop</c> (as real Ollama does, even with tool calls).
    /// </summary>
    public string? FinishReason { get; init; }

    /// <summary>Token usage reported; <see langword="null"/> reports none (no usage chunk, no eval counts).</summary>
    public StandInUsage? Usage { get; init; } = new(10, 5);

    /// <summary>Delay before each chunk after the first.</summary>
    public TimeSpan ChunkDelay { get; init; }

    /// <summary>Delay before the response starts (before the status line is sent), counted from the request's arrival.</summary>
    public TimeSpan DelayBeforeFirstByte { get; init; }

    /// <summary>Answer with this error status instead of a reply.</summary>
    public StandInErrorStatus? StatusBeforeFirstByte { get; init; }

    /// <summary>Abort the connection (<c>HttpContext.Abort()</c>) after this many chunks.</summary>
    public int? FailAfterChunks { get; init; }

    /// <summary>Stop sending after this many chunks but keep the connection open until the client aborts.</summary>
    public int? HangAfterChunks { get; init; }

    /// <summary>
    /// Ollama only: after this many chunks, end the stream with an error line, <c>{"error":"…"}</c> (<see cref="ErrorLineMessage"/>),
    /// as Ollama does when generation fails after its headers went out (the status is already 200). A non-streamed
    /// reply answers 500 with that body instead.
    /// </summary>
    public int? ErrorLineAfterChunks { get; init; }

    /// <summary>The message of <see cref="ErrorLineAfterChunks"/>'s error line.</summary>
    public string ErrorLineMessage { get; init; } = "an error was encountered while running the model: unexpected EOF";

    /// <summary>All text chunks joined.</summary>
    public string Text => string.Concat(TextChunks);

    /// <summary>
    /// The slow thinker's chunks (<see cref="ThinkingTime"/> / <see cref="ThinkingInterval"/>, rounded up), then
    /// <see cref="ReasoningChunks"/>: every reasoning chunk the reply sends.
    /// </summary>
    public IReadOnlyList<string> ThinkingChunks => ThinkingTime <= TimeSpan.Zero ? ReasoningChunks : [.. SlowThinkingChunks(), .. ReasoningChunks];

    /// <summary>All reasoning joined (<see cref="ThinkingChunks"/>): what a thinking block's signature covers.</summary>
    public string Reasoning => string.Concat(ThinkingChunks);

    /// <summary>A reply streaming <paramref name="chunks"/> with the default usage (10 prompt, 5 completion tokens).</summary>
    public static StandInReply FromText(params string[] chunks) => new() { TextChunks = chunks };

    /// <summary>
    /// A slow thinker: reasoning for <paramref name="thinkingTime"/> (a chunk a second), then <paramref name="textChunks"/>.
    /// </summary>
    public static StandInReply SlowThinker(TimeSpan thinkingTime, params string[] textChunks) =>
        new() { ThinkingTime = thinkingTime, TextChunks = textChunks };

    /// <summary>A reply that calls the given tools, with no text.</summary>
    public static StandInReply FromToolCalls(params StandInToolCall[] calls) => new() { ToolCalls = calls };

    /// <summary>A reply that answers <paramref name="statusCode"/> before the first byte.</summary>
    public static StandInReply FromError(int statusCode, string message, TimeSpan? retryAfter = null) =>
        new() { StatusBeforeFirstByte = new StandInErrorStatus(statusCode, message) { RetryAfter = retryAfter } };

    /// <summary>
    /// The reply given when no reply is queued: <c>"Echo: " + last user message text</c> in 3 chunks, with usage
    /// estimated as body length / 4 prompt tokens and text length / 4 completion tokens (each at least 1).
    /// </summary>
    public static StandInReply EchoOf(RecordedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = "Echo: " + (request.LastUserText() ?? string.Empty);
        return new StandInReply
        {
            TextChunks = SplitInThree(text),
            Usage = new StandInUsage(Math.Max(1, request.Body.Length / 4), Math.Max(1, text.Length / 4)),
        };
    }

    private IEnumerable<string> SlowThinkingChunks()
    {
        if (ThinkingInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{nameof(ThinkingInterval)} must be positive, not {ThinkingInterval}.");
        }

        var count = (int)Math.Ceiling(ThinkingTime / ThinkingInterval);
        for (var i = 0; i < count; i++)
        {
            yield return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Still thinking ({i + 1}/{count}). ");
        }
    }

    private static string[] SplitInThree(string text)
    {
        var first = text.Length / 3;
        var second = 2 * text.Length / 3;
        return [text[..first], text[first..second], text[second..]];
    }
}
