namespace CursorAspire.LoadHarness;

/// <summary>How a streamed reply is framed on the wire, which decides how the client knows it ended well.</summary>
public enum StreamFraming
{
    /// <summary>Server-sent events (OpenAI-compatible <c>chat/completions</c>, and the proxy's): ends with <c>data: [DONE]</c>.</summary>
    ServerSentEvents,

    /// <summary>Newline-delimited JSON (Ollama's <c>/api/chat</c>): the last line carries <c>"done":true</c>.</summary>
    NdJson,
}
