namespace CursorAspire.Proxy.Errors;

/// <summary>
/// A failure with a defined HTTP answer in OpenAI's error shape. Thrown anywhere before the response starts;
/// the error middleware (<c>Edge/OpenAIErrorMiddleware.cs</c>) writes it.
/// </summary>
public sealed class ProxyException(int statusCode, string message, string type, string? code = null, string? param = null, Exception? inner = null)
    : Exception(message, inner)
{
    public int StatusCode { get; } = statusCode;
    public string Type { get; } = type;
    public string? Code { get; } = code;
    public string? Param { get; } = param;

    /// <summary>
    /// A failure of the whole provider, not of one model: it cannot be reached (connection refused, DNS) or it refused
    /// the proxy's credentials. Such a failure counts against every route of the provider at once, and is not retried.
    /// </summary>
    public bool ProviderWide { get; init; }

    /// <summary>Passed through to the client as <c>Retry-After</c> (an upstream's 429/503).</summary>
    public string? RetryAfter { get; init; }

    /// <summary><see cref="RetryAfter"/> as a wait from <paramref name="now"/>: seconds, or an HTTP date; null when absent or unreadable.</summary>
    public TimeSpan? RetryAfterDelay(DateTimeOffset now)
    {
        if (RetryAfter is not { Length: > 0 } value)
        {
            return null;
        }
        if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }
        return DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at > now ? at - now : TimeSpan.Zero
            : null;
    }
}
