using System.Text.Json;

namespace CursorAspire.Proxy.Providers;

/// <summary>
/// Turns an Anthropic error response (<c>{"type":"error","error":{"type","message"}}</c>) into an
/// <see cref="UpstreamHttpException"/> with Anthropic's own message and <c>Retry-After</c>: the SDK's exceptions carry
/// the status and message but not the headers, and Cursor needs <c>Retry-After</c> on a 429.
/// </summary>
public sealed class AnthropicErrorBodyHandler : DelegatingHandler
{
    private const int MaxErrorBodyBytes = 16 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            var message = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            var retryAfter = response.Headers.RetryAfter?.Delta is { } delta ? ((int)Math.Ceiling(delta.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            throw new UpstreamHttpException((int)response.StatusCode, message, retryAfter);
        }
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxErrorBodyBytes];
        var length = 0;
        await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
        {
            int read;
            while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }
        }
        try
        {
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object &&
                error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                var type = error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                return type is null ? message.GetString()! : $"{message.GetString()} ({type})";
            }
        }
        catch (JsonException)
        {
            // Not JSON (a gateway in front of the API): use the text as it is.
        }
        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, length).Trim();
        return text.Length > 0 ? text : $"{(int)response.StatusCode} {response.ReasonPhrase}";
    }
}
