namespace CursorAspire.Proxy.Wire;

/// <summary>The request body is not a shape the proxy can read. Becomes a 400 with OpenAI's error body.</summary>
public sealed class WireFormatException(string message, string? param = null) : Exception(message)
{
    /// <summary>The offending JSON member, reported as the error's <c>param</c>.</summary>
    public string? Param { get; } = param;
}
