namespace CursorAspire.TestUpstreams;

/// <summary>
/// An error status a stand-in answers with before sending any byte of the reply body.
/// </summary>
/// <remarks>
/// The OpenAI stand-in writes <c>{"error":{"message","type","param","code"}}</c>; the Ollama stand-in writes
/// <c>{"error":"message"}</c>, as the real servers do.
/// </remarks>
/// <param name="StatusCode">The HTTP status, e.g. 401, 429, 500.</param>
/// <param name="Message">The error message.</param>
public sealed record StandInErrorStatus(int StatusCode, string Message)
{
    /// <summary>Sent as a <c>Retry-After</c> header in whole seconds (rounded up) when set.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>OpenAI's <c>error.type</c>; <see langword="null"/> picks the one OpenAI uses for <see cref="StatusCode"/>.</summary>
    public string? Type { get; init; }

    /// <summary>OpenAI's <c>error.code</c>; <see langword="null"/> picks the one OpenAI uses for <see cref="StatusCode"/>.</summary>
    public string? Code { get; init; }

    /// <summary>OpenAI's <c>error.param</c>.</summary>
    public string? Param { get; init; }

    /// <summary>The <c>error.type</c> that will be sent.</summary>
    public string EffectiveType => Type ?? StatusCode switch
    {
        429 => "requests",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    /// <summary>The <c>error.code</c> that will be sent (may be <see langword="null"/>).</summary>
    public string? EffectiveCode => Code ?? StatusCode switch
    {
        401 => "invalid_api_key",
        429 => "rate_limit_exceeded",
        _ => null,
    };
}
