namespace CursorAspire.Proxy.Providers;

/// <summary>
/// Closes an upstream response as soon as the client that asked for it disconnects, or the proxy's own deadline for
/// the call passes (<see cref="CallToken"/>). Some clients (OllamaSharp) read a stream without passing the token to each
/// read, and HttpClient stops watching the caller's token once the headers are in, so without this a cancelled stream
/// leaves the model generating to the end. Disposing the response aborts the pending read and, with
/// <see cref="SocketsHttpHandler.MaxResponseDrainSize"/> 0, closes the connection: the upstream sees the abort at once.
/// </summary>
/// <remarks>
/// The tokens are the inbound request's and the one in <see cref="CallToken"/>, not the token this handler is given:
/// that one belongs to whichever client sits above, which may cancel it for reasons of its own.
/// </remarks>
public sealed class AbortOnCancelHandler(IHttpContextAccessor httpContextAccessor) : DelegatingHandler
{
    /// <summary>The proxy's token for the upstream call being made on this flow (its first-byte, idle and total deadlines).</summary>
    public static readonly AsyncLocal<CancellationToken> CallToken = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var clientAborted = httpContextAccessor.HttpContext?.RequestAborted ?? CancellationToken.None;
        var callCancelled = CallToken.Value;
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        // Each lives as long as its source; disposing an already-finished response is harmless.
        foreach (var token in (ReadOnlySpan<CancellationToken>)[clientAborted, callCancelled])
        {
            if (token.CanBeCanceled)
            {
                token.UnsafeRegister(static state => ((HttpResponseMessage)state!).Dispose(), response);
            }
        }
        return response;
    }
}
