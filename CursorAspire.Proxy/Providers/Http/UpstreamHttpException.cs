namespace CursorAspire.Proxy.Providers.Http;

/// <summary>An upstream answered with an error status; carries its own message and <c>Retry-After</c>.</summary>
public sealed class UpstreamHttpException(int statusCode, string message, string? retryAfter)
    : HttpRequestException(message, null, (System.Net.HttpStatusCode)statusCode)
{
    public string? RetryAfter { get; } = retryAfter;
}
