using System.Text.Json;

namespace CursorAspire.Proxy.Providers;

/// <summary>
/// Ollama explains a failure in its body (<c>{"error":"model 'x' not found"}</c>), but OllamaSharp reports only
/// the status line. This reads the (bounded) error body and raises it as an <see cref="UpstreamHttpException"/>,
/// so the user sees Ollama's own words in Cursor.
/// </summary>
public sealed class OllamaErrorBodyHandler : DelegatingHandler
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
            var retryAfter = response.Headers.RetryAfter?.Delta is { } delta ? ((int)Math.Ceiling(delta.TotalSeconds)).ToString() : null;
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
                document.RootElement.TryGetProperty("error", out var error))
            {
                return error.ValueKind == JsonValueKind.String ? error.GetString()! : error.GetRawText();
            }
        }
        catch (JsonException)
        {
            // Not JSON: use the text as it is.
        }
        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, length).Trim();
        return text.Length > 0 ? text : $"{(int)response.StatusCode} {response.ReasonPhrase}";
    }
}
