namespace CursorAspire.TestUpstreams;

/// <summary>
/// One tool call a stand-in returns: the function's name and its arguments as a JSON text.
/// </summary>
/// <param name="Name">The function name the "model" calls.</param>
/// <param name="ArgumentsJson">
/// The arguments as JSON text, e.g. <c>{"path":"a.cs"}</c>. The OpenAI stand-in sends it verbatim (split into
/// fragments when streaming); the Ollama stand-in sends it as a JSON object, as Ollama does (text that is not a JSON
/// object is sent as a JSON string, so malformed arguments can still be scripted).
/// </param>
/// <param name="Id">The OpenAI tool-call id; <see langword="null"/> generates a <c>call_…</c> id. Ollama sends no ids.</param>
public sealed record StandInToolCall(string Name, string ArgumentsJson, string? Id = null);
