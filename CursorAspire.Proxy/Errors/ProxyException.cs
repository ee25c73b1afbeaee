namespace CursorAspire.Proxy.Errors;

/// <summary>
/// A failure with a defined HTTP answer in OpenAI's error shape. Thrown anywhere before the response starts;
/// <see cref="OpenAIErrorMiddleware"/> writes it.
/// </summary>
public sealed class ProxyException(int statusCode, string message, string type, string? code = null, string? param = null, Exception? inner = null)
    : Exception(message, inner)
{
    public int StatusCode { get; } = statusCode;
    public string Type { get; } = type;
    public string? Code { get; } = code;
    public string? Param { get; } = param;

    /// <summary>Passed through to the client as <c>Retry-After</c> (an upstream's 429/503).</summary>
    public string? RetryAfter { get; init; }
}
