namespace CursorAspire.Proxy.Providers.Http;

/// <summary>
/// An error object the upstream sent inside a 200 answer: an SSE event <c>data: {"error":{"message","type"}}</c> after
/// the stream began (vLLM, LiteLLM and OpenRouter send one when generation fails after the headers went out), or a
/// whole answer that is an error object instead of a completion. Carries the upstream's own words, worded as
/// <see cref="UpstreamErrorBodyHandler"/> words an error status's body: <c>message (type)</c>.
/// </summary>
public sealed class UpstreamStreamException : Exception
{
    public UpstreamStreamException()
        : this("The upstream sent an error inside its answer.")
    {
    }

    public UpstreamStreamException(string message)
        : base(message)
    {
    }

    public UpstreamStreamException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The error object's <c>type</c>, when it had one.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The error object's <c>code</c> (a string or a number, as text), when it had one.</summary>
    public string? Code { get; init; }

    /// <summary>
    /// The exception for an <c>error</c> value, worded by <see cref="UpstreamErrorBodyHandler.Words"/>, with the object's
    /// <c>type</c> and <c>code</c> kept.
    /// </summary>
    public static UpstreamStreamException FromError(JsonElement error) =>
        error.ValueKind == JsonValueKind.Object
            ? new(UpstreamErrorBodyHandler.Words(error)) { ErrorType = Text(error, "type"), Code = Text(error, "code") }
            : new(UpstreamErrorBodyHandler.Words(error));

    private static string? Text(JsonElement error, string name) =>
        !error.TryGetProperty(name, out var value) ? null
        : value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
}
