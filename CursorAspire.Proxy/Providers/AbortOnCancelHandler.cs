namespace CursorAspire.Proxy.Providers;

/// <summary>
/// Closes an upstream response as soon as the client that asked for it disconnects. Some clients (OllamaSharp)
/// read a stream without passing the token to each read, and HttpClient stops watching the caller's token once the
/// headers are in, so without this a Cursor request cancelled mid-stream leaves the model generating to the end.
/// Disposing the response aborts the pending read and, with <see cref="SocketsHttpHandler.MaxResponseDrainSize"/> 0,
/// closes the connection: the upstream sees the abort at once.
/// </summary>
public sealed class AbortOnCancelHandler(IHttpContextAccessor httpContextAccessor) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var clientAborted = httpContextAccessor.HttpContext?.RequestAborted ?? CancellationToken.None;
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (clientAborted.CanBeCanceled)
        {
            // Lives as long as the inbound request; disposing an already-finished response is harmless.
            clientAborted.UnsafeRegister(static state => ((HttpResponseMessage)state!).Dispose(), response);
        }
        return response;
    }
}
