using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Providers.Http;

/// <summary>
/// Reads an upstream's (bounded) error body and raises it as an <see cref="UpstreamHttpException"/> with its own
/// message and <c>Retry-After</c>, so the user sees the upstream's words in Cursor. OllamaSharp reports only the
/// status line of Ollama's <c>{"error":"model 'x' not found"}</c>; the Anthropic SDK's exceptions carry no headers,
/// so a 429's <c>Retry-After</c> would be lost from <c>{"type":"error","error":{"type","message"}}</c>.
/// </summary>
public sealed class UpstreamErrorBodyHandler : DelegatingHandler
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

    /// <summary>
    /// The words of an <c>error</c> value, as the user sees them: a string as it is; <c>{"message","type"}</c> (Anthropic's
    /// shape, and OpenAI's) as <c>message (type)</c>; anything else as its JSON text.
    /// </summary>
    internal static string Words(JsonElement error) => error.ValueKind switch
    {
        JsonValueKind.String => error.GetString()!,
        JsonValueKind.Object when error.GetStringOrNull("message") is { } message =>
            error.GetStringOrNull("type") is { } type ? $"{message} ({type})" : message,
        _ => error.GetRawText(),
    };

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
                return Words(error);
            }
        }
        catch (JsonException)
        {
            // Not JSON (a gateway in front of the upstream): use the text as it is.
        }
        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, length).Trim();
        return text.Length > 0 ? text : $"{(int)response.StatusCode} {response.ReasonPhrase}";
    }
}
